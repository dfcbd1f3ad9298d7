/** Money is integer cents, everywhere. These are the only conversions to and from text. */
export type Cents = number;

export const isCents = (value: unknown): value is Cents => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * The largest amount one line (or one balance, subsidy, item) may carry: 1 000 000,00 €, far above
 * any school cooperative's year. It keeps every sum of a year exact: totals stay below 2^53 cents
 * (Number.MAX_SAFE_INTEGER) while a year holds fewer than 90 million lines.
 */
export const MAX_LINE_CENTS = 100_000_000;

/**
 * French input, leniently: "1 234,5" → 123450, "12.30" → 1230, "-3,2" → -320, "320" → 32000,
 * "1 234,56 €" → 123456. Spaces (also non-breaking), a trailing € and a '+' are ignored. More than
 * two decimals, letters, exponents, non-Latin digits or a number beyond safe integers → null.
 */
export function parseEuros(input: string | null | undefined): Cents | null {
  if (input == null) return null;
  const text = String(input)
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/€$/, '');
  const match = /^([+-]?)(\d{1,13})(?:[.,](\d{0,2}))?$/.exec(text);
  if (!match) {
    // "1.234,56": a dot as thousands separator before a decimal comma.
    const grouped = /^([+-]?)(\d{1,3}(?:\.\d{3})+),(\d{0,2})$/.exec(text);
    if (!grouped) return null;
    return toCents(grouped[1], grouped[2].replace(/\./g, ''), grouped[3]);
  }
  return toCents(match[1], match[2], match[3] ?? '');
}

function toCents(sign: string, units: string, decimals: string): Cents | null {
  const cents = Number(units) * 100 + Number((decimals + '00').slice(0, 2));
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' && cents !== 0 ? -cents : cents;
}

const grouping = (digits: string, space: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, space);

function written(cents: Cents, space: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.trunc(abs / 100).toString();
  const decimals = (abs % 100).toString().padStart(2, '0');
  return `${sign}${grouping(units, space)},${decimals}`;
}

/** 123456 → "1 234,56" (narrow no-break space between thousands, as French typography wants). */
export const formatAmount = (cents: Cents): string => written(cents, '\u202f');

/** 123456 → "1 234,56" with an ordinary space: an amount given back in a form's field to edit, as banks print it. */
export const formatFieldAmount = (cents: Cents): string => written(cents, ' ');

/**
 * 123456 → "1234,56": amounts in files other programs read, decimal comma and no thousands
 * separator, which spreadsheets in French locale and FEC readers both parse as a number.
 */
export const plainAmount = (cents: Cents): string => written(cents, '');

/**
 * 123456 → 1234.56, the number a spreadsheet's cell holds. Dividing a safe integer by 100 gives
 * the double nearest the exact decimal (what the spreadsheet reads "1234,56" as); anything but
 * integer cents is a defect upstream, refused rather than written as a wrong figure.
 */
export function centsToEuros(cents: Cents): number {
  if (!isCents(cents)) throw new RangeError(`not integer cents: ${cents}`);
  return cents / 100;
}

/** 123456 → "1 234,56 €". */
export const formatEuros = (cents: Cents): string => `${formatAmount(cents)}\u00a0€`;
