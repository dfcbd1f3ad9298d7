import { createHash } from 'node:crypto';

/** What identifies a line of the coop's bank account (its one 512) across imports of overlapping files. */
export interface LineKey {
  date: string;
  label: string;
  amount: number;
  reference: string | null;
  chequeNo?: string | null;
}

const normalLabel = (label: string): string =>
  label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();

/**
 * Each line's id within a year: the bank's reference when there is one, else date + amount +
 * label + rank among identical lines of the file (two 5,00 € card payments at the same shop on
 * the same day are two lines; importing the file again finds both again, never a third).
 */
export function lineIdsOf(lines: readonly LineKey[]): string[] {
  const ranks = new Map<string, number>();
  return lines.map((line) => {
    let key: string;
    if (line.reference) {
      key = `ref\u0000${line.reference.trim()}`;
    } else {
      const base = `${line.date}\u0000${line.amount}\u0000${normalLabel(line.label)}`;
      const rank = ranks.get(base) ?? 0;
      ranks.set(base, rank + 1);
      key = `${base}\u0000${rank}`;
    }
    return `L${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
  });
}

/**
 * Labels of one operation as two formats write it: normalised, one begins the other (an OFX
 * NAME is cut at 32 characters, its MEMO added after it) or the shorter's words are all in the
 * longer (« CHEQUE N° 0012 » and « CHEQUE 0012 »).
 */
function labelsAgree(a: string, b: string): boolean {
  const [short, long] = [normalLabel(a), normalLabel(b)].sort((x, y) => x.length - y.length);
  if (long.startsWith(short)) return true;
  const words = new Set(long.split(' '));
  return short.split(' ').every((word) => words.has(word));
}

const chequeDigits = (chequeNo: string | null | undefined): string | null => chequeNo?.replace(/\D/g, '').replace(/^0+/, '') || null;

/**
 * One operation of the bank account, whatever the file it came from (a CSV, then the OFX of the
 * same month): the bank's references when both lines have one; otherwise the same date and
 * amount, and the same cheque number when both have one, else labels that agree.
 */
export function sameBankLine(a: LineKey, b: LineKey): boolean {
  const refA = a.reference?.trim() || null;
  const refB = b.reference?.trim() || null;
  if (refA && refB) return refA === refB;
  if (a.date !== b.date || a.amount !== b.amount) return false;
  const chequeA = chequeDigits(a.chequeNo);
  const chequeB = chequeDigits(b.chequeNo);
  if (chequeA && chequeB) return chequeA === chequeB;
  return labelsAgree(a.label, b.label);
}

/**
 * For each line of a file, the line already held that is the same operation (sameBankLine), or
 * null: each held line answers for one line of the file only, so two identical card payments of
 * a day, both held, make a third identical one new.
 */
export function heldLinesOf<H extends LineKey>(lines: readonly LineKey[], held: readonly H[]): Array<H | null> {
  const byDay = new Map<string, H[]>();
  for (const line of held) {
    const day = `${line.date}\u0000${line.amount}`;
    const list = byDay.get(day);
    if (list) list.push(line);
    else byDay.set(day, [line]);
  }
  const byReference = new Map(held.filter((l) => l.reference?.trim()).map((l) => [l.reference!.trim(), l]));
  const claimed = new Set<H>();
  return lines.map((line) => {
    const reference = line.reference?.trim();
    const sameReference = reference ? byReference.get(reference) : undefined;
    const found =
      sameReference && !claimed.has(sameReference)
        ? sameReference
        : (byDay.get(`${line.date}\u0000${line.amount}`) ?? []).find((h) => !claimed.has(h) && sameBankLine(line, h));
    if (!found) return null;
    claimed.add(found);
    return found;
  });
}
