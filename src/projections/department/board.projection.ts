import { ADVANCES, type AccountRole, BANK, CASH, type Chart, accountWithRole } from '../../domain/chart';
import { type ClosingFacts, type Movement, type YearStatus } from '../../domain/ledger';
import { lastStatementOn } from '../../domain/statements/reconciliation';
import { type RecordedEvent } from '../../events/envelope';
import { type EntryContent, type OpenAdvance, type YearLocked, asLedgerEvent, noOtherEvent } from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type DocRef, type Projection } from '../projection';
import { type Doc } from '../read-store';

/**
 * One small document per coop and fiscal year with what the department's status board shows:
 * the ingredients of the domain's ClosingFacts kept event by event (never the entries), so 500
 * coops' rows load in one query and `closingChecklist` — the very function CloseYear decides
 * with — gives can-close and blockers at read time. The coop's name and first year are joined
 * at read time from the `coops` collection (one find by department), and the accounts the rules
 * read (subsidies, membership, insurance, durable goods) from the department's chart: the
 * document keeps every account's movements and which accounts each entry debits, so a chart
 * changed later is read right without a rebuild.
 */
export const BOARD = 'board';
export const boardId = (coopId: string, year: number): string => `${coopId}:${year}`;

/** Accounts no role can go to (they cannot be added again nor retired): their debits say nothing of a rule. */
const FIXED = [BANK, CASH, ADVANCES];

/** The previous year's closing as this year opens from it. */
export interface PreviousClosing {
  bank: number;
  cash: number;
  openAdvances: OpenAdvance[];
  /** Ids of the bank items still unreconciled when it closed (they travel on until seen). */
  carriedOver: string[];
  /** Their signed amounts' sum: in the opening balance, not yet on a statement. */
  carriedOverAmount: number;
}

export interface BoardDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  department: string | null;
  status: YearStatus;
  /** metadata.at of the year's own last event. */
  lastActivityAt: string | null;
  declaredOpening: { bank: number; cash: number } | null;
  /** What the previous year's YearClosed / YearUnlocked / YearLocked said; null when it said nothing yet. */
  previous: { closed: boolean; closing: PreviousClosing | null } | null;
  /** Live entries' debits and credits per account. */
  movements: Record<string, Movement>;
  /** Per advance (régie): paid − returned − explained, this year's lines only. */
  advances: Record<string, number>;
  /**
   * Live entries touching 512 not reconciled: only these, so the document stays small once the
   * notebook is reconciled. Every other live entry on 512 is reconciled (only entries on 512 can
   * be, and they stay so until EntryUnreconciled).
   */
  unreconciled: string[];
  /**
   * Reconciled entries amended off 512 (the decider unreconciles them in the same command): the
   * reconciled flag they still carry is what EntryUnreconciled then clears.
   */
  reconciledOffBank: string[];
  /**
   * Per account other than 512, 530, 4670: the live entries debiting it, as PJ → date (a PJ is
   * unique among a year's live entries; amendments and deletions carry the previous content).
   * The durable goods account among them is known at read time, from the chart.
   */
  debits: Record<string, Record<string, string>>;
  /** Inventory items bearing a PJ → that PJ (removed items included, as the domain counts them). */
  inventoryPjs: Record<string, string>;
  carriedOverSeen: string[];
  /** The last cash count by date (a later count of the same day wins). */
  lastCount: { date: string; total: number } | null;
  subsidiesTable: number;
  /** The year's statements in record order: date and closing balance. */
  statements: Array<{ date: string; closingBalance: number }>;
  /**
   * Signed amounts the statements showed, by the date they showed them (clearedOn): reconciled
   * entries and carried-over items seen. The rapprochement at D sums the dates ≤ D.
   */
  cleared: Record<string, number>;
  /** Live entries touching 512 per 'YYYY-MM'. */
  bankMonths: Record<string, number>;
  /** Last applied revision per stream (the year's own and the previous year's): replays are no-ops. */
  appliedRevisions: Record<string, number>;
}

export function emptyBoardDoc(coopId: string, year: number, department: string | null): BoardDoc {
  return {
    id: boardId(coopId, year),
    coopId,
    year,
    department,
    status: 'open',
    lastActivityAt: null,
    declaredOpening: null,
    previous: null,
    movements: {},
    advances: {},
    unreconciled: [],
    reconciledOffBank: [],
    debits: {},
    inventoryPjs: {},
    carriedOverSeen: [],
    lastCount: null,
    subsidiesTable: 0,
    statements: [],
    cleared: {},
    bankMonths: {},
    appliedRevisions: {},
  };
}

/** localeCompare(…, 'fr', { numeric: true }) and localeCompare(…) as the domain sorts, without building a collator per call. */
const PJ_ORDER = new Intl.Collator('fr', { numeric: true });
const DEFAULT_ORDER = new Intl.Collator();

const netOf = (doc: BoardDoc, account: string): number => (doc.movements[account]?.debit ?? 0) - (doc.movements[account]?.credit ?? 0);

/**
 * The domain's ClosingFacts of the year, from the board document, the coop's first year and the
 * department's chart for the year (closingFactsOf's rules, applied to the kept ingredients
 * instead of the entries).
 */
export function boardFacts(doc: BoardDoc, firstYear: number, chart: Chart): ClosingFacts {
  const previous = doc.year === firstYear ? null : (doc.previous ?? { closed: false, closing: null });
  const opening: PreviousClosing = doc.declaredOpening
    ? { ...doc.declaredOpening, openAdvances: [], carriedOver: [], carriedOverAmount: 0 }
    : (previous?.closing ?? { bank: 0, cash: 0, openAdvances: [], carriedOver: [], carriedOverAmount: 0 });
  const cash = doc.movements[CASH];
  const seen = new Set(doc.carriedOverSeen);
  const advances: Record<string, number> = {};
  for (const a of opening.openAdvances) advances[a.regie] = (advances[a.regie] ?? 0) + a.amount;
  for (const [regie, amount] of Object.entries(doc.advances)) advances[regie] = (advances[regie] ?? 0) + amount;
  const inventoried = new Set(Object.values(doc.inventoryPjs));
  const netOfRole = (role: AccountRole): number => {
    const account = accountWithRole(chart, role)?.code;
    return account === undefined ? 0 : netOf(doc, account);
  };
  const durableGoods = accountWithRole(chart, 'durableGoods')?.code ?? null;
  const bank = doc.movements[BANK];
  const months = Object.keys(doc.bankMonths);
  const last = lastStatementOn(doc.statements ?? [], '9999-12-31');
  let shown = opening.bank - (opening.carriedOverAmount ?? 0);
  if (last) for (const [date, amount] of Object.entries(doc.cleared ?? {})) if (date <= last.date) shown += amount;
  return {
    year: doc.year,
    closed: doc.status === 'closed',
    previousYearClosed: previous === null || previous.closed,
    openingMissing: previous === null && doc.declaredOpening === null,
    unreconciled: opening.carriedOver.filter((id) => !seen.has(id)).length + doc.unreconciled.length,
    cashUsed: opening.cash !== 0 || (cash !== undefined && (cash.debit !== 0 || cash.credit !== 0)),
    cashBalance: opening.cash + netOf(doc, CASH),
    lastCountTotal: doc.lastCount ? doc.lastCount.total : null,
    subsidiesAccountTotal: -netOfRole('subsidies'),
    subsidiesTableTotal: doc.subsidiesTable,
    openAdvances: Object.entries(advances)
      .filter(([, amount]) => amount !== 0)
      .map(([regie, amount]) => ({ regie, amount }))
      .sort((a, b) => DEFAULT_ORDER.compare(a.regie, b.regie)),
    membershipTotal: netOfRole('membership'),
    insuranceTotal: netOfRole('insurance'),
    durableGoodsAccount: durableGoods,
    durableGoodsWithoutInventory: Object.entries((durableGoods !== null && doc.debits[durableGoods]) || {})
      .filter(([pj]) => !inventoried.has(pj))
      .sort(([pjA, dateA], [pjB, dateB]) => DEFAULT_ORDER.compare(dateA, dateB) || PJ_ORDER.compare(pjA, pjB))
      .map(([pj]) => pj),
    bankUsed: opening.bank !== 0 || (bank !== undefined && (bank.debit !== 0 || bank.credit !== 0)),
    lastBankMonth: months.length ? months.reduce((a, b) => (b > a ? b : a)) : null,
    lastStatement: last ? { date: last.date, closingBalance: last.closingBalance, difference: last.closingBalance - shown } : null,
  };
}

/** Bank and cash now: the opening (declared, or the previous year's closing) plus the year's lines. */
export function boardBalances(doc: BoardDoc, firstYear: number): { bank: number; cash: number } {
  const closing = doc.year === firstYear ? null : (doc.previous?.closing ?? null);
  const opening = doc.declaredOpening ?? closing ?? { bank: 0, cash: 0 };
  return { bank: opening.bank + netOf(doc, BANK), cash: opening.cash + netOf(doc, CASH) };
}

/** Per fold's own copy: the accounts whose debits map it has copied already. */
const copiedDebits = new WeakMap<BoardDoc, Set<string>>();

/**
 * The fold's own copy of a board document: its collections are copied once per run of events and
 * then changed in place (a run of reconciliations costs one copy of the unreconciled list, not one
 * per event); the folded-from document is never touched.
 */
function ownCopy(doc: BoardDoc): BoardDoc {
  const copy: BoardDoc = {
    ...doc,
    movements: { ...doc.movements },
    advances: { ...doc.advances },
    unreconciled: [...doc.unreconciled],
    reconciledOffBank: [...doc.reconciledOffBank],
    // The per-account maps are copied when first changed (debitsOf).
    debits: { ...doc.debits },
    inventoryPjs: { ...doc.inventoryPjs },
    carriedOverSeen: [...doc.carriedOverSeen],
    statements: [...(doc.statements ?? [])],
    cleared: { ...doc.cleared },
    bankMonths: { ...doc.bankMonths },
    appliedRevisions: { ...doc.appliedRevisions },
  };
  copiedDebits.set(copy, new Set());
  return copy;
}

const without = (list: string[], id: string): boolean => {
  const i = list.indexOf(id);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
};

/** Moves the kept sums from an entry's old content (if any) to its new one (if any). */
/** Accounts an entry debits, other than the fixed ones. */
const debitedBy = (content: EntryContent): string[] => [...new Set(content.lines.filter((l) => l.debit && !FIXED.includes(l.account)).map((l) => l.account))];

function withContent(doc: BoardDoc, entryId: string, before: EntryContent | null, after: EntryContent | null): void {
  const move = (content: EntryContent, sign: 1 | -1): void => {
    for (const line of content.lines) {
      const debit = line.debit ?? 0;
      const credit = line.credit ?? 0;
      const m = doc.movements[line.account] ?? { debit: 0, credit: 0 };
      doc.movements[line.account] = { debit: m.debit + sign * debit, credit: m.credit + sign * credit };
      if (line.regie) {
        const amount = (doc.advances[line.regie] ?? 0) + sign * (debit - credit);
        if (amount === 0) delete doc.advances[line.regie];
        else doc.advances[line.regie] = amount;
      }
    }
  };
  if (before) move(before, -1);
  if (after) move(after, 1);
  const countMonth = (content: EntryContent | null, sign: 1 | -1): void => {
    if (!content || !content.lines.some((l) => l.account === BANK)) return;
    const month = content.date.slice(0, 7);
    const count = (doc.bankMonths[month] ?? 0) + sign;
    if (count === 0) delete doc.bankMonths[month];
    else doc.bankMonths[month] = count;
  };
  countMonth(before, -1);
  countMonth(after, 1);

  // The reconciled flag survives an amendment, as in the decider's state.
  const onBank = (content: EntryContent | null): boolean => content !== null && content.lines.some((l) => l.account === BANK);
  const wasOffBank = without(doc.reconciledOffBank, entryId);
  const wasUnreconciled = without(doc.unreconciled, entryId);
  const reconciled = wasOffBank || (onBank(before) && !wasUnreconciled);
  if (after && onBank(after) && !reconciled) doc.unreconciled.push(entryId);
  if (after && !onBank(after) && reconciled) doc.reconciledOffBank.push(entryId);

  // The fold's own copy of an account's map, made when first changed in this run.
  const copied = copiedDebits.get(doc)!;
  const debitsOf = (account: string): Record<string, string> => {
    if (!copied.has(account) || doc.debits[account] === undefined) {
      doc.debits[account] = { ...doc.debits[account] };
      copied.add(account);
    }
    return doc.debits[account];
  };
  if (before) {
    for (const account of debitedBy(before)) {
      const debits = debitsOf(account);
      delete debits[before.pj];
      if (Object.keys(debits).length === 0) delete doc.debits[account];
    }
  }
  if (after) for (const account of debitedBy(after)) debitsOf(account)[after.pj] = after.date;
}

const contentOf = ({ pj, date, label, chequeNo, actionA, actionB, lines }: EntryContent): EntryContent => ({
  pj,
  date,
  label,
  chequeNo,
  actionA,
  actionB,
  lines,
});

/** The decider unreconciles only reconciled entries: on 512 and not listed, or amended off 512. */
function unreconciledNow(doc: BoardDoc, entryId: string): void {
  if (without(doc.reconciledOffBank, entryId)) return;
  if (!doc.unreconciled.includes(entryId)) doc.unreconciled.push(entryId);
}

/** What a statement showed on a date moves by `amount`. */
function clear(doc: BoardDoc, date: string, amount: number): void {
  if (amount === 0) return;
  const sum = (doc.cleared[date] ?? 0) + amount;
  if (sum === 0) delete doc.cleared[date];
  else doc.cleared[date] = sum;
}

/** An event of the year's own stream, on the fold's own copy. */
function applyOwn(doc: BoardDoc, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  switch (event.type) {
    case 'OpeningBalanceDeclared': {
      const d = event.data;
      doc.declaredOpening = { bank: d.bank, cash: d.cash };
      return;
    }
    case 'EntryRecorded': {
      const d = event.data;
      return withContent(doc, d.entryId, null, contentOf(d));
    }
    case 'EntryAmended': {
      const d = event.data;
      return withContent(doc, d.entryId, d.previous, contentOf(d));
    }
    case 'EntryDeleted': {
      const d = event.data;
      return withContent(doc, d.entryId, d.previous, null);
    }
    case 'EntryReconciled': {
      // The decider reconciles only live entries on 512 that are not.
      const d = event.data;
      without(doc.unreconciled, d.entryId);
      return clear(doc, d.clearedOn ?? d.statementDate ?? '', d.amount ?? 0);
    }
    case 'EntryUnreconciled': {
      const d = event.data;
      clear(doc, d.clearedOn ?? '', -(d.amount ?? 0));
      return unreconciledNow(doc, d.entryId);
    }
    case 'CarriedOverItemSeen': {
      const d = event.data;
      if (!doc.carriedOverSeen.includes(d.entryId)) doc.carriedOverSeen.push(d.entryId);
      return clear(doc, d.clearedOn ?? d.statementDate ?? '', d.amount ?? 0);
    }
    case 'CarriedOverItemUnseen': {
      const d = event.data;
      without(doc.carriedOverSeen, d.entryId);
      return clear(doc, d.clearedOn, -d.amount);
    }
    case 'StatementDeclared':
    case 'StatementImported': {
      const d = event.data;
      doc.statements.push({ date: d.date, closingBalance: d.closingBalance });
      return;
    }
    case 'CashCounted': {
      const d = event.data;
      if (!doc.lastCount || d.date >= doc.lastCount.date) doc.lastCount = { date: d.date, total: d.total };
      return;
    }
    case 'SubsidiesDeclared': {
      const d = event.data;
      doc.subsidiesTable = d.rows.reduce((sum, r) => sum + r.amount, 0);
      return;
    }
    case 'InventoryItemAdded': {
      const d = event.data;
      if (d.pj !== null && d.pj !== undefined) doc.inventoryPjs[d.itemId] = d.pj;
      return;
    }
    case 'YearClosed':
    case 'YearLocked':
      doc.status = 'closed';
      return;
    case 'YearUnlocked':
      doc.status = 'unlocked';
      return;
    case 'InventoryItemRemoved':
    case 'VoucherAttached':
    case 'ActivityReported':
    case 'QuitusInvited':
    case 'QuitusGiven':
    case 'SubmissionDocumentAttached':
    case 'SubmissionSent':
    case 'SubmissionAccepted':
    case 'SubmissionReturned':
      // Nothing the closing rules read (a removed item's PJ still counts, as in the domain).
      return;
    default:
      return noOtherEvent(event);
  }
}

/** The previous year's closing, unlocking or locking again: this year's opening and PREVIOUS_YEAR_OPEN. */
function applyPrevious(doc: BoardDoc, event: RecordedEvent): void {
  if (event.type === 'YearUnlocked') {
    doc.previous = { closed: false, closing: doc.previous?.closing ?? null };
    return;
  }
  if (event.type !== 'YearClosed' && event.type !== 'YearLocked') return;
  const d = event.data as YearLocked;
  const closing: PreviousClosing = {
    bank: d.bank,
    cash: d.cash,
    openAdvances: d.openAdvances.map((a) => ({ ...a })),
    carriedOver: d.unreconciled.map((u) => u.entryId),
    carriedOverAmount: d.unreconciled.reduce((sum, u) => sum + u.amount, 0),
  };
  doc.previous = { closed: true, closing };
}

/** Events of a year that also change how the next one opens. */
const REACHES_NEXT_YEAR = new Set(['YearClosed', 'YearUnlocked', 'YearLocked']);

/** Folds a run of events into the board document `ref` names; replays (revision already applied) are skipped. */
export function foldBoard(doc: BoardDoc | null, events: RecordedEvent[], ref: DocRef): BoardDoc | null {
  let next: BoardDoc | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') continue;
    const applied = (next ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!next) {
      const [coopId, year] = ref.id.split(':');
      next = ownCopy(doc ?? emptyBoardDoc(coopId, Number(year), event.metadata.department ?? null));
    }
    const own = stream.year === next.year;
    if (own) applyOwn(next, event);
    else applyPrevious(next, event);
    next.department = event.metadata.department ?? next.department;
    if (own) next.lastActivityAt = event.metadata.at;
    next.appliedRevisions[event.stream] = event.revision;
  }
  return next ?? doc;
}

export const evolveBoard = (doc: BoardDoc | null, event: RecordedEvent, ref: DocRef): BoardDoc | null => foldBoard(doc, [event], ref);

export const boardProjection: Projection = {
  name: 'board',
  // 2: every account's movements and the accounts each entry debits (the chart's roles are read at read time).
  // 3: those debits per account as PJ → date (a third of the size).
  // 4: statements, what they showed by date, bank entries per month (the year-end statement rules).
  version: 4,
  collections: { [BOARD]: { indexes: ['department', 'year', 'coopId', 'status'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') return [];
    const refs = [{ collection: BOARD, id: boardId(stream.coopId, stream.year) }];
    if (REACHES_NEXT_YEAR.has(event.type)) refs.push({ collection: BOARD, id: boardId(stream.coopId, stream.year + 1) });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveBoard(doc as BoardDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldBoard(doc as BoardDoc | null, events, ref);
  },
};
