import { type EntryContent, type LedgerEvent, type SubsidyRow } from '../../events/ledger-events';
import { cashTotal, validateCashCounts } from '../cash-box';
import { BANK } from '../chart';
import { DomainError, reject } from '../errors';
import { formatFrenchDate, yearEnd, yearStart } from '../fiscal-year';
import { type PaymentCommand } from '../payments/commands';
import { decidePayments, depositCancelledBy, guardDepositEntry } from '../payments/decide';
import { closingChecklist } from './closing/checklist';
import { closingFactsOf } from './closing/facts';
import {
  amendmentUnreconciles,
  declareStatement,
  deleteStatement,
  importStatement,
  matchStatementLines,
  reconcileNewEntry,
  unmatchStatementLine,
  unreconciledData,
} from './statements/statements';
import { decideYearEnd, isYearEndCommand } from './year-end/year-end';
import { type EntryState, type LedgerCommand, type LedgerCommandType, type LedgerEnv, type LedgerState, type SubsidyRowInput } from './types';
import { openingOf } from './opening';
import { netOn } from '../net-amount';
import { valueAt } from '../text-keys';
import { balances, openAdvancesOf, resultOf, touches, unreconciledItems } from './state';
import {
  dateInYear,
  dateOutsideYear,
  amountInvalid,
  isNonNegativeCents,
  isPositiveCents,
  optionalDate,
  optionalText,
  requiredDate,
  validateEntry,
  yearName,
} from './entries/validation';

export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const MAX_ATTACHMENT_MIB = 10;
/** The one limit of a voucher or a bank file, in bytes: the decider's rule, and what uploads read (multer's fileSize). */
export const MAX_ATTACHMENT_SIZE = MAX_ATTACHMENT_MIB * 1024 * 1024;
/** That limit in the words of the forms and messages: « 10 Mio ». */
export const MAX_ATTACHMENT_WORDS = `${MAX_ATTACHMENT_MIB} Mio`;

type Decision<T extends LedgerCommandType> = (command: Extract<LedgerCommand, { type: T }>, state: LedgerState, env: LedgerEnv) => LedgerEvent[];

/**
 * The decision of each command, one function per case. Typed on the command union: a new
 * command without its decision fails the type-check.
 */
const DECISIONS: { [T in LedgerCommandType]: Decision<T> } = {
  DeclareOpeningBalance: (command, state, env) => declareOpeningBalance(command, state, env),
  RecordEntry: (command, state, env) => recordEntry(command, state, env),
  AmendEntry: (command, state, env) => amendEntry(command, state, env),
  DeleteEntry: (command, state) => deleteEntry(command, state),
  DuplicateEntry: (command, state, env) => duplicateEntry(command, state, env),
  ReconcileEntry: (command, state) => reconcileEntry(command, state),
  UnreconcileEntry: (command, state) => unreconcileEntry(command, state),
  MarkCarriedOverItemSeen: (command, state, env) => markCarriedOverItemSeen(command, state, env),
  CountCash: (command, state) => countCash(command, state),
  DeclareSubsidies: (command) => [{ type: 'SubsidiesDeclared', data: { rows: validateSubsidies(command.rows) } }],
  AddInventoryItem: (command, state) => addInventoryItem(command, state),
  RemoveInventoryItem: (command, state, env) => removeInventoryItem(command, state, env),
  AttachVoucher: (command, state) => attachVoucher(command, state),
  ReportActivity: (command) => reportActivity(command),
  DeclareStatement: (command, state) => declareStatement(command.statementId, command.date, command.closingBalance, state),
  ImportStatement: (command, state) => importStatement(command, state),
  MatchStatementLines: (command, state, env) => matchStatementLines(command.statementId, command.matches, state, env),
  UnmatchStatementLine: (command, state) => unmatchStatementLine(command.statementId, command.lineId, state),
  DeleteStatement: (command, state) => deleteStatement(command.statementId, state),
  CloseYear: (_command, state, env) => closeYear(state, env),
  UnlockYear: (command, state) => unlockYear(command.reason, state),
  LockYear: (_command, state, env) => lockYear(state, env),
  InviteVerifier: decideYearEnd,
  GiveQuitus: decideYearEnd,
  AttachSubmissionDocument: decideYearEnd,
  SubmitYear: decideYearEnd,
  AcceptSubmission: decideYearEnd,
  ReturnSubmission: decideYearEnd,
  AcknowledgeOpeningChange: decideYearEnd,
  RecordPayment: (command, state, env) => payments(command, state, env),
  AmendPayment: (command, state, env) => payments(command, state, env),
  DeletePayment: (command, state, env) => payments(command, state, env),
  DepositPayments: (command, state, env) => payments(command, state, env),
};

/** Payments and deposits decide on their part of the state; a deposit's entry goes through RecordEntry's decision. */
const payments = (command: PaymentCommand, state: LedgerState, env: LedgerEnv): LedgerEvent[] =>
  decidePayments(command, state.payments, { year: state.year, chart: env.chart, pjs: state.pjs }, (entryId, entry) =>
    recordEntry({ type: 'RecordEntry', entryId, entry }, state, env),
  );

/** Commands a closed year still takes: the department's unlock and lock, and the year's end (its own rules say when). */
const ON_A_CLOSED_YEAR = (command: LedgerCommand): boolean => command.type === 'UnlockYear' || command.type === 'LockYear' || isYearEndCommand(command);

/**
 * The ledger's decider: a command on a year's state → the events it causes, or a refusal
 * (DomainError / ValidationFailed with every field error). Pure; today and the chart come in env.
 * A command that would change nothing (reconciling a reconciled entry, amending to the same
 * content) answers no event.
 */
export function decide(command: LedgerCommand, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (state.status === 'closed' && !ON_A_CLOSED_YEAR(command)) {
    throw new DomainError('YEAR_CLOSED', `L'exercice ${yearName(state.year)} est clôturé : il ne peut plus être modifié.`, undefined, 'conflict');
  }
  return (DECISIONS[command.type] as Decision<LedgerCommandType>)(command, state, env);
}

type CommandOf<T extends LedgerCommandType> = Extract<LedgerCommand, { type: T }>;

function recordEntry(command: CommandOf<'RecordEntry'>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (valueAt(state.entries, command.entryId)) throw entryExists();
  const content = validateEntry(command.entry, { year: state.year, chart: env.chart, pjs: state.pjs });
  const events = [recorded(command.entryId, content, command.duplicatedFrom)];
  if (command.reconcileWith) events.push(reconcileNewEntry(command.entryId, content, command.reconcileWith, state));
  return events;
}

function amendEntry(command: CommandOf<'AmendEntry'>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const entry = changeableEntry(state, command.entryId);
  checkRevision(entry, command.expectedRevision);
  const content = validateEntry(command.entry, { year: state.year, chart: env.chart, pjs: state.pjs, self: entry });
  if (sameContent(content, entry.content)) return [];
  guardDepositEntry(entry.entryId, entry.content, content, state.payments);
  if (entry.validatedOn !== null) return correction(entry, content, state);
  const events: LedgerEvent[] = [{ type: 'EntryAmended', data: { entryId: entry.entryId, ...content, previous: entry.content } }];
  if (amendmentUnreconciles({ ...entry, ...entry.content }, content)) events.push({ type: 'EntryUnreconciled', data: unreconciledData(entry) });
  return events;
}

function deleteEntry(command: CommandOf<'DeleteEntry'>, state: LedgerState): LedgerEvent[] {
  const entry = changeableEntry(state, command.entryId);
  checkRevision(entry, command.expectedRevision);
  if (entry.reconciled) {
    throw new DomainError(
      'ENTRY_RECONCILED',
      `L'écriture ${entry.content.pj} est pointée sur le relevé : dépointez-la d'abord pour la supprimer.`,
      undefined,
      'conflict',
    );
  }
  // Deleting a deposit's entry, or reversing it once validated, cancels the deposit.
  if (entry.validatedOn !== null) return [...correction(entry, null, state), ...depositCancelledBy(entry.entryId, state.payments)];
  return [{ type: 'EntryDeleted', data: { entryId: entry.entryId, previous: entry.content } }, ...depositCancelledBy(entry.entryId, state.payments)];
}

/**
 * A validated entry is never changed nor removed (PCG art. 420-5): in a year reopened for a
 * correction, amending it records its reversal (the same lines swapped, its own PJ "05-A",
 * "Annulation de l'écriture n° 05", on its date) and the corrected entry, which takes its PJ over;
 * deleting it records the reversal alone. The reversal keeps the entry's pointage (both were on the
 * statement's side together); the corrected entry keeps it unless its bank date or amount moved.
 */
function correction(entry: EntryState, corrected: EntryContent | null, state: LedgerState): LedgerEvent[] {
  const reversalId = `${entry.entryId}-annulation`;
  const reversal: EntryContent = {
    ...entry.content,
    pj: reversalPj(entry.content.pj, state),
    label: `Annulation de l'écriture n° ${entry.content.pj}`,
    chequeNo: null,
    lines: entry.content.lines.map(({ debit, credit, ...line }) => (debit !== undefined ? { ...line, credit: debit } : { ...line, debit: credit })),
  };
  const events: LedgerEvent[] = [{ type: 'EntryRecorded', data: { entryId: reversalId, ...reversal, reverses: entry.entryId } }];
  const pointage = (entryId: string): LedgerEvent => ({
    type: 'EntryReconciled',
    data: { entryId, statementDate: entry.statementDate, amount: 0, clearedOn: entry.clearedOn ?? entry.content.date },
  });
  if (entry.reconciled) events.push(pointage(reversalId));
  if (corrected) {
    const correctedId = `${entry.entryId}-correction`;
    events.push({ type: 'EntryRecorded', data: { entryId: correctedId, ...corrected, replaces: entry.entryId } });
    if (entry.reconciled && !amendmentUnreconciles({ ...entry, ...entry.content }, corrected)) events.push(pointage(correctedId));
  }
  return events.map((event) =>
    event.type === 'EntryReconciled' ? { ...event, data: { ...event.data, amount: signedAmountOf(events, event.data.entryId) } } : event,
  );
}

const signedAmountOf = (events: LedgerEvent[], entryId: string): number => {
  const recordedEvent = events.find((e) => e.type === 'EntryRecorded' && e.data.entryId === entryId);
  return recordedEvent?.type === 'EntryRecorded' ? netOn(recordedEvent.data.lines, BANK) : 0;
};

/** "05-A", or "05-B"… when the year already has it. */
function reversalPj(pj: string, state: LedgerState): string {
  for (let i = 0; ; i++) {
    const candidate = `${pj}-${letterOf(i)}`;
    if (!Object.hasOwn(state.pjs, candidate)) return candidate;
  }
}
const letterOf = (index: number): string => (index < 26 ? String.fromCharCode(65 + index) : `${letterOf(Math.floor(index / 26) - 1)}${letterOf(index % 26)}`);

/** A live entry the mandataire may amend or delete: not a correction's reversal, not an entry already corrected. */
function changeableEntry(state: LedgerState, entryId: string): EntryState {
  const entry = liveEntry(state, entryId);
  if (entry.reversedBy !== null) {
    const by = entry.replacedBy ? "modifiez l'écriture qui la remplace" : 'elle est annulée';
    throw new DomainError('ENTRY_CORRECTED', `L'écriture n° ${entry.content.pj} a déjà été corrigée : ${by}.`, undefined, 'conflict');
  }
  if (entry.reverses !== null) {
    throw new DomainError(
      'ENTRY_IS_REVERSAL',
      `L'écriture n° ${entry.content.pj} annule une écriture validée : elle ne se modifie pas ; corrigez l'écriture qui la remplace.`,
      undefined,
      'conflict',
    );
  }
  return entry;
}

function duplicateEntry(command: CommandOf<'DuplicateEntry'>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const source = liveEntry(state, command.sourceEntryId);
  if (valueAt(state.entries, command.entryId)) throw entryExists();
  // A cheque is used once: the copy does not take its number.
  const input = { ...source.content, pj: command.pj, date: command.date ?? source.content.date, chequeNo: null };
  const content = validateEntry(input, { year: state.year, chart: env.chart, pjs: state.pjs });
  return [recorded(command.entryId, content, source.entryId)];
}

function reconcileEntry(command: CommandOf<'ReconcileEntry'>, state: LedgerState): LedgerEvent[] {
  const entry = liveEntry(state, command.entryId);
  if (!touches(entry.content, BANK)) {
    throw new DomainError('NOT_A_BANK_ENTRY', 'Seules les écritures passées en banque (compte 512) se pointent sur le relevé.', undefined, 'invalid');
  }
  const errors: DomainError[] = [];
  const statementDate = optionalDate(command.statementDate, 'statementDate', errors);
  // A statement shows what the bank did after the voucher, never before it.
  if (statementDate && statementDate < entry.content.date) {
    errors.push(
      new DomainError(
        'STATEMENT_BEFORE_ENTRY',
        `Le relevé du ${formatFrenchDate(statementDate)} précède l'écriture du ${formatFrenchDate(entry.content.date)}.`,
        'statementDate',
      ),
    );
  }
  reject(errors);
  if (entry.reconciled) return [];
  const amount = netOn(entry.content.lines, BANK);
  return [{ type: 'EntryReconciled', data: { entryId: entry.entryId, statementDate, amount, clearedOn: statementDate ?? entry.content.date } }];
}

function unreconcileEntry(command: CommandOf<'UnreconcileEntry'>, state: LedgerState): LedgerEvent[] {
  const entry = liveEntry(state, command.entryId);
  return entry.reconciled ? [{ type: 'EntryUnreconciled', data: unreconciledData(entry) }] : [];
}

function markCarriedOverItemSeen(command: CommandOf<'MarkCarriedOverItemSeen'>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (!openingOf(env.earlierYears, state.opening).carriedOver.some((item) => item.entryId === command.entryId)) throw entryNotFound();
  const errors: DomainError[] = [];
  const statementDate = optionalDate(command.statementDate, 'statementDate', errors);
  reject(errors);
  if (command.entryId in state.carriedOverSeen) return [];
  const item = openingOf(env.earlierYears, state.opening).carriedOver.find((i) => i.entryId === command.entryId)!;
  return [{ type: 'CarriedOverItemSeen', data: { entryId: command.entryId, statementDate, amount: item.amount, clearedOn: statementDate ?? item.date } }];
}

function countCash(command: CommandOf<'CountCash'>, state: LedgerState): LedgerEvent[] {
  if (state.cashCounts.some((c) => c.countId === command.countId)) return [];
  const errors: DomainError[] = [];
  const date = dateInYear(command.date, state.year, 'date', errors, dateOutsideYear);
  const { counts, errors: countErrors } = validateCashCounts(command.counts);
  reject([...errors, ...countErrors]);
  return [{ type: 'CashCounted', data: { countId: command.countId, date: date!, counts, total: cashTotal(counts) } }];
}

/**
 * A good leaves the register: one of the year's own, or one of an earlier year still held (the
 * register is the coop's), whose line the event carries so that this year's register shows it leaving.
 */
function removeInventoryItem(command: CommandOf<'RemoveInventoryItem'>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const item = valueAt(state.inventory, command.itemId);
  const carried = item ? undefined : env.carriedGoods?.find((g) => g.itemId === command.itemId);
  if ((!item && !carried) || item?.removed) {
    throw new DomainError('ITEM_NOT_FOUND', "Ce bien n'est pas (ou plus) inscrit au cahier d'inventaire.", undefined, 'not_found');
  }
  const errors: DomainError[] = [];
  const leftOn = optionalDate(command.leftOn, 'leftOn', errors);
  reject(errors);
  if (!carried) return [{ type: 'InventoryItemRemoved', data: { itemId: command.itemId, leftOn } }];
  const { itemId, removed: _removed, leftOn: _leftOn, ...line } = carried;
  return [{ type: 'InventoryItemRemoved', data: { itemId, leftOn, carried: line } }];
}

function reportActivity(command: CommandOf<'ReportActivity'>): LedgerEvent[] {
  const activity = optionalText(command.activity);
  if (activity === null) reject([new DomainError('ACTIVITY_REQUIRED', "Indiquez l'activité (une action ou un titre).", 'activity')]);
  const text = typeof command.text === 'string' ? command.text.trim() : '';
  return [{ type: 'ActivityReported', data: { activity: activity!, text } }];
}

const entryNotFound = (): DomainError => new DomainError('ENTRY_NOT_FOUND', "Cette écriture n'existe pas (ou a été supprimée).", undefined, 'not_found');

const entryExists = (): DomainError => new DomainError('ENTRY_EXISTS', 'Cette écriture est déjà enregistrée.', undefined, 'conflict');

/** Ids come from clients: "constructor" or "__proto__" must not find Object.prototype's members. */
function liveEntry(state: LedgerState, entryId: string): EntryState {
  const entry = valueAt(state.entries, entryId);
  if (!entry || entry.deleted) throw entryNotFound();
  return entry;
}

function checkRevision(entry: EntryState, expected: number | undefined): void {
  if (expected === undefined || expected === entry.revision) return;
  throw new DomainError(
    'STALE_REVISION',
    `Cette écriture a été modifiée entre-temps par quelqu'un d'autre (révision ${entry.revision}, vous aviez la révision ${expected}). Rechargez la page.`,
    undefined,
    'conflict',
    { revision: entry.revision, expectedRevision: expected },
  );
}

const recorded = (entryId: string, content: EntryContent, duplicatedFrom: string | undefined): LedgerEvent => ({
  type: 'EntryRecorded',
  data: duplicatedFrom === undefined ? { entryId, ...content } : { entryId, ...content, duplicatedFrom },
});

// Contents are built field by field in one order by validateEntry, so their JSON compares.
const sameContent = (a: EntryContent, b: EntryContent): boolean => JSON.stringify(a) === JSON.stringify(b);

function declareOpeningBalance(command: Extract<LedgerCommand, { type: 'DeclareOpeningBalance' }>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (env.year !== env.firstYear) {
    throw new DomainError(
      'OPENING_NOT_FIRST_YEAR',
      "L'existence au début de l'exercice ne se saisit que la première année : les années suivantes reprennent la clôture de l'année précédente.",
      undefined,
      'conflict',
    );
  }
  if (state.opening) {
    throw new DomainError('OPENING_ALREADY_DECLARED', "L'existence au début de l'exercice est déjà saisie.", undefined, 'conflict');
  }
  const errors: DomainError[] = [];
  if (!isNonNegativeCents(command.bank)) {
    errors.push(amountInvalid(command.bank, 'Le solde de la banque doit être un nombre de centimes positif ou nul.', 'bank'));
  }
  if (!isNonNegativeCents(command.cash)) {
    errors.push(amountInvalid(command.cash, 'Le solde de la caisse doit être un nombre de centimes positif ou nul.', 'cash'));
  }
  const date = optionalText(command.date) === null ? yearStart(state.year) : dateInYear(command.date, state.year, 'date', errors);
  reject(errors);
  return [{ type: 'OpeningBalanceDeclared', data: { bank: command.bank, cash: command.cash, date: date! } }];
}

/** Fully blank rows of the table's form are left out; the others must be complete. */
function validateSubsidies(rows: unknown): SubsidyRow[] {
  if (!Array.isArray(rows)) {
    reject([new DomainError('SUBSIDIES_INVALID', 'Le tableau des subventions est illisible.', 'rows')]);
    return [];
  }
  const errors: DomainError[] = [];
  const valid: SubsidyRow[] = [];
  rows.forEach((raw: unknown, i) => {
    const row: SubsidyRowInput = raw !== null && typeof raw === 'object' ? raw : {};
    const origin = optionalText(row.origin);
    const designation = optionalText(row.designation) ?? '';
    const blankAmount = row.amount === undefined || row.amount === null || row.amount === '' || row.amount === 0;
    if (origin === null && blankAmount && designation === '') return;
    const at = `rows.${i}`;
    if (origin === null) errors.push(new DomainError('ORIGIN_REQUIRED', "Indiquez l'origine de la subvention (Mairie, Département…).", `${at}.origin`));
    if (!isPositiveCents(row.amount)) errors.push(amountInvalid(row.amount, 'Le montant doit être un nombre positif de centimes.', `${at}.amount`));
    const date = requiredDate(row.date, `${at}.date`, errors);
    const attached = row.attachedToExpenses ?? 0;
    if (!isNonNegativeCents(attached)) {
      errors.push(
        new DomainError('AMOUNT_INVALID', 'Le montant rattaché aux dépenses doit être un nombre de centimes positif ou nul.', `${at}.attachedToExpenses`),
      );
    } else if (isPositiveCents(row.amount) && attached > row.amount) {
      errors.push(
        new DomainError('AMOUNT_INVALID', 'Le montant rattaché aux dépenses ne peut pas dépasser le montant de la subvention.', `${at}.attachedToExpenses`),
      );
    }
    valid.push({ origin: origin ?? '', amount: row.amount as number, date: date ?? '', designation, attachedToExpenses: attached as number });
  });
  reject(errors);
  return valid;
}

/**
 * Every error of an inventory item at once (the page shows them all, its own parsing errors
 * beside them): designation, date of acquisition (not after the year), quantity, value.
 */
export function inventoryItemErrors(
  command: Pick<Extract<LedgerCommand, { type: 'AddInventoryItem' }>, 'designation' | 'acquiredOn' | 'quantity' | 'value'>,
  year: number,
): { errors: DomainError[]; designation: string | null; acquiredOn: string | null } {
  const errors: DomainError[] = [];
  const designation = optionalText(command.designation);
  if (designation === null) errors.push(new DomainError('LABEL_REQUIRED', 'La désignation du bien est obligatoire.', 'designation'));
  // Goods bought in earlier years stay in the register: only a date after the year is wrong.
  const acquiredOn = requiredDate(command.acquiredOn, 'acquiredOn', errors);
  if (acquiredOn && acquiredOn > yearEnd(year)) {
    errors.push(new DomainError('DATE_OUTSIDE_YEAR', dateOutsideYear(acquiredOn, year), 'acquiredOn'));
  }
  if (!isPositiveCents(command.quantity)) errors.push(new DomainError('QUANTITY_INVALID', 'La quantité doit être un nombre entier positif.', 'quantity'));
  if (!isNonNegativeCents(command.value)) errors.push(amountInvalid(command.value, 'La valeur doit être un nombre de centimes positif ou nul.', 'value'));
  return { errors, designation, acquiredOn };
}

function addInventoryItem(command: Extract<LedgerCommand, { type: 'AddInventoryItem' }>, state: LedgerState): LedgerEvent[] {
  if (valueAt(state.inventory, command.itemId)) throw new DomainError('ITEM_EXISTS', "Ce bien est déjà inscrit au cahier d'inventaire.", undefined, 'conflict');
  const { errors, designation, acquiredOn } = inventoryItemErrors(command, state.year);
  reject(errors);
  return [
    {
      type: 'InventoryItemAdded',
      data: {
        itemId: command.itemId,
        designation: designation!,
        acquiredOn: acquiredOn!,
        quantity: command.quantity,
        value: command.value,
        pj: optionalText(command.pj),
      },
    },
  ];
}

function attachVoucher(command: Extract<LedgerCommand, { type: 'AttachVoucher' }>, state: LedgerState): LedgerEvent[] {
  const entry = liveEntry(state, command.entryId);
  if (entry.attachments.some((a) => a.attachmentId === command.attachmentId)) return [];
  const errors: DomainError[] = [];
  if (!ATTACHMENT_TYPES.includes(command.mediaType)) {
    errors.push(new DomainError('ATTACHMENT_TYPE_REFUSED', 'La pièce jointe doit être un PDF, une image JPEG ou PNG.', 'file'));
  }
  if (!Number.isSafeInteger(command.size) || command.size <= 0) {
    errors.push(new DomainError('ATTACHMENT_EMPTY', 'La pièce jointe est vide.', 'file'));
  } else if (command.size > MAX_ATTACHMENT_SIZE) {
    errors.push(new DomainError('ATTACHMENT_TOO_LARGE', `La pièce jointe dépasse ${MAX_ATTACHMENT_WORDS}.`, 'file'));
  }
  if (!/^[0-9a-f]{64}$/.test(command.sha256))
    errors.push(new DomainError('ATTACHMENT_INVALID', "L'empreinte SHA-256 de la pièce jointe est invalide.", 'file'));
  reject(errors);
  const { attachmentId, sha256, mediaType, size } = command;
  const fileName = optionalText(command.fileName) ?? 'piece-justificative';
  return [{ type: 'VoucherAttached', data: { entryId: entry.entryId, attachmentId, sha256, mediaType, size, fileName } }];
}

function closingFigures(state: LedgerState, env: LedgerEnv) {
  const { bank, cash } = balances(state, env);
  return { bank, cash, result: resultOf(state, env.chart), openAdvances: openAdvancesOf(state, env), unreconciled: unreconciledItems(state, env) };
}

function assertCanClose(state: LedgerState, env: LedgerEnv): void {
  const { canClose, blockers } = closingChecklist(closingFactsOf(state, env), env.today, state.year);
  if (canClose) return;
  const points = blockers.length === 1 ? 'un point est à régler' : `${blockers.length} points sont à régler`;
  throw new DomainError('CLOSING_BLOCKED', `La clôture de l'exercice ${yearName(state.year)} n'est pas possible : ${points}.`, undefined, 'conflict', {
    blockers,
  });
}

function closeYear(state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (state.status === 'unlocked') {
    throw new DomainError(
      'YEAR_UNLOCKED',
      "L'exercice a été rouvert par l'association départementale pour une correction : c'est elle qui le verrouille à nouveau.",
      undefined,
      'conflict',
    );
  }
  assertCanClose(state, env);
  return [{ type: 'YearClosed', data: { closedOn: env.today, ...closingFigures(state, env) } }, ...validation(state, env)];
}

function unlockYear(reason: unknown, state: LedgerState): LedgerEvent[] {
  if (state.status !== 'closed') {
    throw new DomainError('YEAR_NOT_CLOSED', `L'exercice ${yearName(state.year)} n'est pas clôturé.`, undefined, 'conflict');
  }
  const text = optionalText(reason);
  if (text === null) reject([new DomainError('REASON_REQUIRED', 'Indiquez la raison de la réouverture.', 'reason')]);
  return [{ type: 'YearUnlocked', data: { reason: text! } }];
}

/** Locking again records the corrected figures; the same rules as closing apply. */
function lockYear(state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (state.status !== 'unlocked') {
    throw new DomainError('YEAR_NOT_UNLOCKED', `L'exercice ${yearName(state.year)} n'a pas été rouvert.`, undefined, 'conflict');
  }
  assertCanClose(state, env);
  return [{ type: 'YearLocked', data: closingFigures(state, env) }, ...validation(state, env)];
}

/** Closing validates every live entry not validated yet (the first closing: all of them; locking again: the corrections). */
function validation(state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const entryIds = Object.values(state.entries)
    .filter((e) => !e.deleted && e.validatedOn === null)
    .map((e) => e.entryId);
  return entryIds.length ? [{ type: 'EntriesValidated', data: { validatedOn: env.today, entryIds } }] : [];
}
