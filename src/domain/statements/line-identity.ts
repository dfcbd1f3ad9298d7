import { createHash } from 'node:crypto';

/** What identifies a line across imports of overlapping files. */
export interface LineKey {
  date: string;
  label: string;
  amount: number;
  reference: string | null;
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
