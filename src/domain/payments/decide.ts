import { type EntryInput } from '../ledger/types';
import { type EntryContent, type EntryLine, type LedgerEvent } from '../../events/ledger-events';
import { type DepositLine, type PaymentContent, type PaymentMode, paymentContent } from '../../events/payment-events';
import { BANK, CASH, type Chart, findAccount } from '../chart';
import { DomainError, ValidationFailed } from '../errors';
import { formatFrenchDate } from '../fiscal-year';
import { amountInvalid, dateInYear, dateOutsideYear, isPositiveCents, MAX_LENGTH, optionalText } from '../ledger/entries/validation';
import { type PaymentCommand, type PaymentInput } from './commands';
import { type PaymentState, type PaymentsState } from './state';
import { valueAt } from '../text-keys';

/** The account a family's payment goes to when the form names none: Participations des familles. */
export const FAMILY_ACCOUNT = '7560';
export const PAYMENT_MODES: readonly PaymentMode[] = ['cheque', 'cash'];
export const MODE_WORDS: Record<PaymentMode, string> = { cheque: 'chèque', cash: 'espèces' };
/** Longest texts of a payment: a receipt's line, not a letter. */
export const PAYMENT_MAX_LENGTH = { payer: 100, pupil: 100, class: 60, bank: 60 } as const;

/** What the payment decisions read of the year besides its payments. */
export interface PaymentsContext {
  year: number;
  chart: Chart;
  /** Live PJ → entryId of the year (a deposit's entry takes a free one). */
  pjs: Record<string, string>;
}

/**
 * The decisions of the payment commands. A deposit records its entry through `recordEntry`, the
 * ledger's own RecordEntry decision (every rule of an entry holds for it), and comes after it in
 * the same append.
 */
export function decidePayments(
  command: PaymentCommand,
  state: PaymentsState,
  ctx: PaymentsContext,
  recordEntry: (entryId: string, entry: EntryInput) => LedgerEvent[],
): LedgerEvent[] {
  switch (command.type) {
    case 'RecordPayment': {
      if (valueAt(state.payments, command.paymentId)) throw new DomainError('PAYMENT_EXISTS', 'Ce paiement est déjà enregistré.', undefined, 'conflict');
      const content = validatePayment(command.payment, ctx);
      return [{ type: 'PaymentRecorded', data: { paymentId: command.paymentId, receiptNo: state.lastReceiptNo + 1, ...content } }];
    }
    case 'AmendPayment': {
      const payment = undeposited(state, command.paymentId);
      const content = validatePayment(command.payment, ctx);
      const previous = paymentContent(payment);
      if (JSON.stringify(content) === JSON.stringify(previous)) return [];
      return [{ type: 'PaymentAmended', data: { paymentId: payment.paymentId, ...content, previous } }];
    }
    case 'DeletePayment': {
      const payment = undeposited(state, command.paymentId);
      return [{ type: 'PaymentDeleted', data: { paymentId: payment.paymentId, previous: paymentContent(payment) } }];
    }
    case 'DepositPayments':
      return depositPayments(command, state, ctx, recordEntry);
  }
}

/** Deleting a deposit's entry cancels the deposit: its payments wait for another. */
export function depositCancelledBy(entryId: string, state: PaymentsState): LedgerEvent[] {
  const depositId = valueAt(state.depositOfEntry, entryId);
  const deposit = depositId === undefined ? undefined : valueAt(state.deposits, depositId);
  if (!deposit || deposit.cancelled) return [];
  return [{ type: 'DepositCancelled', data: { depositId: deposit.depositId, entryId, paymentIds: [...deposit.paymentIds] } }];
}

/**
 * A live deposit's entry says what the slip says: its date and its lines (512 for the total, the
 * products) come from the deposited payments and stay as they are; its PJ, label and actions may
 * change. To correct the amounts, the entry is deleted (the deposit is cancelled, its payments
 * wait) and the deposit made again.
 */
export function guardDepositEntry(
  entryId: string,
  before: Pick<EntryContent, 'date' | 'lines'>,
  after: Pick<EntryContent, 'date' | 'lines'>,
  state: PaymentsState,
): void {
  const depositId = valueAt(state.depositOfEntry, entryId);
  const deposit = depositId === undefined ? undefined : valueAt(state.deposits, depositId);
  if (!deposit || deposit.cancelled) return;
  if (before.date === after.date && JSON.stringify(before.lines) === JSON.stringify(after.lines)) return;
  throw new DomainError(
    'DEPOSIT_ENTRY',
    `Cette écriture est celle de la remise en banque n° ${deposit.depositNo} : sa date et ses montants sont ceux du bordereau. Pour les corriger, supprimez l'écriture (la remise est annulée, ses paiements attendent une nouvelle remise) puis refaites la remise.`,
    undefined,
    'conflict',
  );
}

/** Validates a payment's input into its content, or throws ValidationFailed with every error. */
export function validatePayment(input: PaymentInput, ctx: Pick<PaymentsContext, 'year' | 'chart'>): PaymentContent {
  const source: PaymentInput = input !== null && typeof input === 'object' ? input : {};
  const errors: DomainError[] = [];
  const date = dateInYear(source.date, ctx.year, 'date', errors, dateOutsideYear);
  const payer = text(source.payer, PAYMENT_MAX_LENGTH.payer, 'payer', 'Le nom du payeur', errors);
  if (payer === null) errors.push(new DomainError('PAYER_REQUIRED', 'Indiquez qui a payé (le nom de la famille).', 'payer'));
  const pupil = text(source.pupil, PAYMENT_MAX_LENGTH.pupil, 'pupil', "Le nom de l'élève", errors);
  const klass = text(source.class, PAYMENT_MAX_LENGTH.class, 'class', 'La classe', errors);
  if (!isPositiveCents(source.amount))
    errors.push(amountInvalid(source.amount, 'Le montant doit être un nombre positif de centimes (1250 pour 12,50 €).', 'amount'));
  const mode = PAYMENT_MODES.find((m) => m === source.mode) ?? null;
  if (mode === null) errors.push(new DomainError('MODE_INVALID', 'Choisissez le mode de paiement : chèque ou espèces.', 'mode'));
  let chequeNo = text(source.chequeNo, MAX_LENGTH.chequeNo, 'chequeNo', 'Le n° de chèque', errors);
  let bank = text(source.bank, PAYMENT_MAX_LENGTH.bank, 'bank', 'La banque', errors);
  if (mode === 'cheque' && chequeNo === null) errors.push(new DomainError('CHEQUE_NO_REQUIRED', 'Indiquez le n° du chèque.', 'chequeNo'));
  // Cash has no cheque: what a form kept from a previous cheque is not the payment's.
  if (mode === 'cash') [chequeNo, bank] = [null, null];
  const account = accountOf(source.account, ctx.chart, errors);
  const action = text(source.action, MAX_LENGTH.action, 'action', "L'action", errors);
  if (errors.length) throw new ValidationFailed(errors);
  return { date: date!, payer: payer!, pupil, class: klass, amount: source.amount as number, mode: mode!, chequeNo, bank, account: account!, action };
}

/** A list or an object where a text goes is the caller's mistake: refused, never read as "nothing". */
function notText(value: unknown, field: string, what: string, errors: DomainError[]): boolean {
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'number') return false;
  errors.push(new DomainError('TEXT_INVALID', `${what} doit être un texte.`, field));
  return true;
}

function accountOf(value: unknown, chart: Chart, errors: DomainError[]): string | null {
  if (notText(value, 'account', 'Le compte', errors)) return null;
  const code = optionalText(value) ?? FAMILY_ACCOUNT;
  const account = findAccount(chart, code);
  if (!account || account.retired) {
    errors.push(new DomainError('UNKNOWN_ACCOUNT', `Le compte « ${code} » n'existe pas dans le plan comptable de l'exercice.`, 'account'));
    return null;
  }
  if (account.kind !== 'product') {
    errors.push(new DomainError('ACCOUNT_NOT_PRODUCT', `Le compte ${account.code} (${account.label}) n'est pas un compte de produits.`, 'account'));
    return null;
  }
  return account.code;
}

function text(value: unknown, max: number, field: string, what: string, errors: DomainError[]): string | null {
  if (notText(value, field, what, errors)) return null;
  const t = optionalText(value);
  if (t !== null && t.length > max) errors.push(new DomainError('TEXT_TOO_LONG', `${what} ne peut dépasser ${max} caractères (${t.length} saisis).`, field));
  return t;
}

function depositPayments(
  command: Extract<PaymentCommand, { type: 'DepositPayments' }>,
  state: PaymentsState,
  ctx: PaymentsContext,
  recordEntry: (entryId: string, entry: EntryInput) => LedgerEvent[],
): LedgerEvent[] {
  if (valueAt(state.deposits, command.depositId)) throw new DomainError('DEPOSIT_EXISTS', 'Cette remise est déjà enregistrée.', undefined, 'conflict');
  const errors: DomainError[] = [];
  const date = dateInYear(command.date, ctx.year, 'date', errors, dateOutsideYear);
  const mode = PAYMENT_MODES.find((m) => m === command.mode) ?? null;
  if (mode === null) errors.push(new DomainError('MODE_INVALID', 'Choisissez le mode de la remise : chèques ou espèces.', 'mode'));
  const fromCashBox = command.fromCashBox === true;
  if (fromCashBox && mode === 'cheque') {
    errors.push(new DomainError('MODE_INVALID', 'Seules les espèces passent par la caisse avant la banque.', 'fromCashBox'));
  }
  const ids = Array.isArray(command.paymentIds) ? [...new Set(command.paymentIds.filter((id): id is string => typeof id === 'string'))] : [];
  if (ids.length === 0) errors.push(new DomainError('DEPOSIT_EMPTY', 'Choisissez au moins un paiement à remettre en banque.', 'paymentIds'));
  if (errors.length) throw new ValidationFailed(errors);

  const payments = ids.map((id) => undeposited(state, id));
  const otherMode = payments.find((p) => p.mode !== mode);
  if (otherMode) {
    throw new DomainError(
      'DEPOSIT_MODE_MIXED',
      `Une remise ne regroupe que des ${mode === 'cheque' ? 'chèques' : 'espèces'} : le reçu n° ${otherMode.receiptNo} est payé en ${MODE_WORDS[otherMode.mode]}.`,
      'paymentIds',
    );
  }
  const late = payments.find((p) => p.date > date!);
  if (late) {
    throw new DomainError(
      'DEPOSIT_BEFORE_PAYMENT',
      `La remise du ${formatFrenchDate(date!)} précède le paiement du reçu n° ${late.receiptNo} (${formatFrenchDate(late.date)}).`,
      'date',
    );
  }

  const depositNo = state.lastDepositNo + 1;
  const lines = depositLines(payments);
  const total = payments.reduce((sum, p) => sum + p.amount, 0);
  const pj = optionalText(command.pj) ?? freePj(depositNo, ctx.pjs);
  const entryEvents = recordEntry(
    command.entryId,
    depositEntry({ depositNo, date: date!, mode: mode!, fromCashBox, lines, total, count: payments.length }, pj),
  );
  return [
    ...entryEvents,
    {
      type: 'PaymentsDeposited',
      data: {
        depositId: command.depositId,
        depositNo,
        date: date!,
        mode: mode!,
        paymentIds: payments.map((p) => p.paymentId),
        total,
        entryId: command.entryId,
        fromCashBox,
        lines,
      },
    },
  ];
}

/** The products per account and action, in the order of account, then action (no action first). */
export function depositLines(payments: readonly Pick<PaymentState, 'account' | 'action' | 'amount'>[]): DepositLine[] {
  const sums = new Map<string, DepositLine>();
  for (const p of payments) {
    const key = JSON.stringify([p.account, p.action]);
    const line = sums.get(key);
    if (line) line.amount += p.amount;
    else sums.set(key, { account: p.account, action: p.action, amount: p.amount });
  }
  return [...sums.values()].sort((a, b) => a.account.localeCompare(b.account) || (a.action ?? '').localeCompare(b.action ?? '', 'fr'));
}

export interface DepositFigures {
  depositNo: number;
  date: string;
  mode: PaymentMode;
  fromCashBox: boolean;
  lines: DepositLine[];
  total: number;
  count: number;
}

/**
 * The deposit's one entry: 512 debit for the total; credited, the products per account (an
 * entry's lines carry no action: the entry names the action when all its payments share one), or
 * 530 for cash counted in the box first (its products were recorded when it went in).
 */
export function depositEntry(d: DepositFigures, pj: string): EntryInput {
  const credits: EntryLine[] = [];
  if (d.fromCashBox) credits.push({ account: CASH, credit: d.total });
  else {
    for (const line of d.lines) {
      const same = credits.find((c) => c.account === line.account);
      if (same) same.credit! += line.amount;
      else credits.push({ account: line.account, credit: line.amount });
    }
  }
  const actions = [...new Set(d.lines.map((l) => l.action))];
  const named = actions.filter((a): a is string => a !== null);
  const what = d.mode === 'cheque' ? `${d.count} chèque${d.count > 1 ? 's' : ''}` : 'espèces';
  const label = `Remise en banque n° ${d.depositNo} – ${what}${named.length ? ` – ${named.join(', ')}` : ''}`;
  return {
    pj,
    date: d.date,
    label: label.length > MAX_LENGTH.label ? `${label.slice(0, MAX_LENGTH.label - 1)}…` : label,
    chequeNo: null,
    actionA: actions.length === 1 ? actions[0] : null,
    actionB: null,
    lines: [{ account: BANK, debit: d.total }, ...credits],
  };
}

/** "REM01", "REM02"… by the deposit's number; a letter after it when the PJ is already taken. */
export function freePj(depositNo: number, pjs: Record<string, string>): string {
  const base = `REM${String(depositNo).padStart(2, '0')}`;
  if (!Object.hasOwn(pjs, base)) return base;
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') if (!Object.hasOwn(pjs, `${base}${letter}`)) return `${base}${letter}`;
  return `${base}-${Object.keys(pjs).length}`;
}

function undeposited(state: PaymentsState, paymentId: string): PaymentState {
  const payment = valueAt(state.payments, paymentId);
  if (!payment || payment.deleted) throw new DomainError('PAYMENT_NOT_FOUND', "Ce paiement n'existe pas (ou a été supprimé).", undefined, 'not_found');
  if (payment.depositId !== null) {
    throw new DomainError(
      'PAYMENT_DEPOSITED',
      `Le paiement du reçu n° ${payment.receiptNo} est déjà remis en banque : il ne peut plus être modifié ni supprimé, ni remis une seconde fois.`,
      undefined,
      'conflict',
    );
  }
  return payment;
}
