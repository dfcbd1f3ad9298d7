import { type EntryContent, type EntryLine } from '../../../events/ledger-events';
import { type Account, type Chart, findAccount } from '../../chart';
import { DomainError, ValidationFailed } from '../../errors';
import { formatFrenchDate, isInYear, parseFrenchDate, yearEnd, yearStart } from '../../fiscal-year';
import { formatEuros, MAX_LINE_CENTS } from '../../money';
import { type EntryInput } from '../types';

/**
 * Input checks. Every problem of a form is collected, so the page can show each message under
 * its field ('pj', 'date', 'label', 'lines', 'lines.0.account', 'lines.0.debit', …).
 */

/**
 * Control characters (a pasted tab or line break) become spaces; bidirectional overrides are
 * dropped, so a label in an auditor's history reads as it was typed, not reversed.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI_OVERRIDES = /[\u202a-\u202e\u2066-\u2069]/g;

/** Trimmed text; numbers become text (a PJ typed as 20); anything else is absent. */
export function optionalText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.replace(CONTROLS, ' ').replace(BIDI_OVERRIDES, '').trim();
  return text === '' ? null : text;
}

/** Longest texts of an entry: a notebook line, not a letter. */
export const MAX_LENGTH = { pj: 20, label: 300, chequeNo: 30, action: 60 } as const;

function tooLong(text: string | null, max: number, field: string, what: string, errors: DomainError[]): void {
  if (text !== null && text.length > max) {
    errors.push(new DomainError('TEXT_TOO_LONG', `${what} ne peut dépasser ${max} caractères (${text.length} saisis).`, field));
  }
}

/** An amount of one line: whole cents, above zero, at most MAX_LINE_CENTS. */
export const isPositiveCents = (value: unknown): value is number => isNonNegativeCents(value) && value > 0;

export const isNonNegativeCents = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_LINE_CENTS;

/** Whole cents beyond the cap: worth its own message ("trop grand"), not "pas un nombre". */
export const isAboveCap = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value > MAX_LINE_CENTS;

export const AMOUNT_ABOVE_CAP = `Un montant ne peut dépasser ${formatEuros(MAX_LINE_CENTS)}.`;

/** AMOUNT_INVALID for a field, saying "too large" when that is what is wrong. */
export const amountInvalid = (value: unknown, message: string, field: string): DomainError =>
  new DomainError('AMOUNT_INVALID', isAboveCap(value) ? AMOUNT_ABOVE_CAP : message, field);

export const yearName = (year: number): string => `${year}-${year + 1}`;

/**
 * Another PJ of the year that differs from `pj` only by leading zeros ("7" and "07"): not a
 * duplicate (the PJ is the text typed), but most likely the same voucher numbered twice — a
 * warning, never a refusal.
 */
export function pjLookAlike(pj: string, others: Iterable<string>): string | null {
  const bare = (p: string) => p.trim().replace(/^0+(?=.)/, '');
  for (const other of others) if (other !== pj && bare(other) === bare(pj)) return other;
  return null;
}

/**
 * A date that must be given and lie in the fiscal year. Accepts 'YYYY-MM-DD' and 'dd/mm/yyyy';
 * returns the ISO date, or null after pushing the error.
 */
export function dateInYear(value: unknown, year: number, field: string, errors: DomainError[], outside = entryOutsideYear): string | null {
  const date = requiredDate(value, field, errors);
  if (date && !isInYear(date, year)) {
    errors.push(new DomainError('DATE_OUTSIDE_YEAR', outside(date, year), field));
    return null;
  }
  return date;
}

export const entryOutsideYear = (date: string, year: number): string =>
  date < yearStart(year) ? "Cette écriture précède la date de début de l'exercice" : "Cette écriture dépasse la date de fin de l'exercice";

export const dateOutsideYear = (_date: string, year: number): string =>
  `Cette date est en dehors de l'exercice ${yearName(year)} (du ${formatFrenchDate(yearStart(year))} au ${formatFrenchDate(yearEnd(year))}).`;

export function requiredDate(value: unknown, field: string, errors: DomainError[]): string | null {
  const text = optionalText(value);
  if (text === null) {
    errors.push(new DomainError('DATE_REQUIRED', 'La date est obligatoire.', field));
    return null;
  }
  const date = parseFrenchDate(text);
  if (!date) errors.push(new DomainError('DATE_REQUIRED', `La date « ${text} » n'est pas une date valide (jj/mm/aaaa).`, field));
  return date;
}

/** An optional date (a statement date, the day an item left): absent is fine, nonsense is not. */
export function optionalDate(value: unknown, field: string, errors: DomainError[]): string | null {
  if (optionalText(value) === null) return null;
  return requiredDate(value, field, errors);
}

export interface EntryContext {
  year: number;
  chart: Chart;
  /** Live PJ → entryId of the year. */
  pjs: Record<string, string>;
  /** The entry being amended (its own PJ is not a duplicate; its accounts stay usable if retired since). */
  self?: { entryId: string; content: EntryContent };
}

/** Validates an entry input into its content, or throws ValidationFailed with every error. */
export function validateEntry(input: EntryInput, ctx: EntryContext): EntryContent {
  const errors: DomainError[] = [];
  const source: EntryInput = input !== null && typeof input === 'object' ? input : {};

  const pj = optionalText(source.pj);
  if (pj === null) errors.push(new DomainError('PJ_REQUIRED', 'Le n° de pièce justificative (PJ) est obligatoire.', 'pj'));
  else if (Object.hasOwn(ctx.pjs, pj) && ctx.pjs[pj] !== ctx.self?.entryId) {
    errors.push(new DomainError('PJ_DUPLICATE', `Le n° de PJ « ${pj} » est déjà utilisé dans cet exercice.`, 'pj'));
  }

  const date = dateInYear(source.date, ctx.year, 'date', errors);

  const label = optionalText(source.label);
  if (label === null) errors.push(new DomainError('LABEL_REQUIRED', 'Le libellé est obligatoire (qui – quoi).', 'label'));

  const [chequeNo, actionA, actionB] = [optionalText(source.chequeNo), optionalText(source.actionA), optionalText(source.actionB)];
  tooLong(pj, MAX_LENGTH.pj, 'pj', 'Le n° de PJ', errors);
  tooLong(label, MAX_LENGTH.label, 'label', 'Le libellé', errors);
  tooLong(chequeNo, MAX_LENGTH.chequeNo, 'chequeNo', 'Le n° de chèque', errors);
  tooLong(actionA, MAX_LENGTH.action, 'actionA', "L'action A", errors);
  tooLong(actionB, MAX_LENGTH.action, 'actionB', "L'action B", errors);

  const lines = validateLines(source.lines, ctx, errors);

  if (errors.length) throw new ValidationFailed(errors);
  return { pj: pj!, date: date!, label: label!, chequeNo, actionA, actionB, lines };
}

function validateLines(value: unknown, ctx: EntryContext, errors: DomainError[]): EntryLine[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(new DomainError('ENTRY_UNBALANCED', 'Une écriture a au moins une ligne au débit et une ligne au crédit.', 'lines'));
    return [];
  }
  const lines: EntryLine[] = [];
  let linesValid = true;
  value.forEach((raw: unknown, i) => {
    const line = validateLine(raw, i, ctx, errors);
    if (line) lines.push(line);
    else linesValid = false;
  });
  if (!linesValid) return [];

  const debits = lines.reduce((s, l) => s + (l.debit ?? 0), 0);
  const credits = lines.reduce((s, l) => s + (l.credit ?? 0), 0);
  if (!Number.isSafeInteger(debits) || !Number.isSafeInteger(credits)) {
    errors.push(new DomainError('AMOUNT_INVALID', 'Les montants de cette écriture sont trop grands.', 'lines'));
  } else if (debits !== credits) {
    const side = debits > credits ? 'les débits dépassent les crédits' : 'les crédits dépassent les débits';
    errors.push(new DomainError('ENTRY_UNBALANCED', `L'écriture n'est pas équilibrée : ${side} de ${formatEuros(Math.abs(debits - credits))}.`, 'lines'));
  }
  return lines;
}

/** Empty cells of a grid arrive as null, '' or 0: the amount is on the other side. */
const absent = (value: unknown): boolean => value === undefined || value === null || value === '' || value === 0;

function validateLine(raw: unknown, i: number, ctx: EntryContext, errors: DomainError[]): EntryLine | null {
  const at = `lines.${i}`;
  if (raw === null || typeof raw !== 'object') {
    errors.push(new DomainError('AMOUNT_INVALID', 'Ligne vide : indiquez un compte et un montant.', at));
    return null;
  }
  const line = raw as Record<string, unknown>;
  let valid = true;

  const code = optionalText(line.account);
  const account = code === null ? undefined : usableAccount(code, ctx);
  if (!account) {
    valid = false;
    errors.push(unknownAccountError(code, ctx.chart, `${at}.account`));
  }

  const hasDebit = !absent(line.debit);
  const hasCredit = !absent(line.credit);
  if (hasDebit === hasCredit) {
    valid = false;
    const message = hasDebit ? 'Une ligne porte un montant au débit ou au crédit, pas les deux.' : 'Indiquez un montant au débit ou au crédit.';
    errors.push(new DomainError('AMOUNT_INVALID', message, at));
  } else {
    const side = hasDebit ? 'debit' : 'credit';
    if (!isPositiveCents(line[side])) {
      valid = false;
      errors.push(amountInvalid(line[side], 'Le montant doit être un nombre positif de centimes (32000 pour 320,00 €).', `${at}.${side}`));
    }
  }

  const regie = optionalText(line.regie);
  if (account?.kind === 'advance' && regie === null) {
    valid = false;
    errors.push(
      new DomainError(
        'REGIE_REQUIRED',
        `Indiquez la régie d'avance (la classe, par exemple « CP-CE1 ») sur la ligne du compte ${account.code}.`,
        `${at}.regie`,
      ),
    );
  }
  if (!valid || !account) return null;

  const result: EntryLine = { account: account.code };
  if (hasDebit) result.debit = line.debit as number;
  else result.credit = line.credit as number;
  // Only advance lines name an advance; a stray name elsewhere would count as an advance.
  if (account.kind === 'advance') result.regie = regie!;
  return result;
}

/** Active accounts, and retired ones the amended entry already used (an old entry stays editable). */
function usableAccount(code: string, ctx: EntryContext): Account | undefined {
  const account = findAccount(ctx.chart, code);
  if (!account) return undefined;
  if (!account.retired) return account;
  return ctx.self?.content.lines.some((l) => l.account === code) ? account : undefined;
}

function unknownAccountError(code: string | null, chart: Chart, field: string): DomainError {
  if (code === null) return new DomainError('UNKNOWN_ACCOUNT', 'Choisissez un compte.', field);
  const retired = findAccount(chart, code);
  return retired
    ? new DomainError('UNKNOWN_ACCOUNT', `Le compte ${code} (${retired.label}) n'est plus utilisé pour cet exercice.`, field)
    : new DomainError('UNKNOWN_ACCOUNT', `Le compte « ${code} » n'existe pas dans le plan comptable.`, field);
}
