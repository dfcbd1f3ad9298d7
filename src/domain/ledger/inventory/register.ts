import { yearStart } from '../../fiscal-year';

/** A line of a year's inventory register as each view keeps it. */
export interface RegisterLine {
  itemId: string;
  removed: boolean;
  leftOn: string | null;
}

/**
 * The goods carried into `year` from the coop's earlier registers (DOMAIN.md, "Validated books":
 * the register is the coop's): each good as its latest register tells it — a good bought in one
 * year may leave in a later one, recorded there — kept while held when the year began (never
 * removed, or left on or after its first day). `earlier` holds the registers of the earlier years,
 * in any order.
 */
export function carriedGoods<T extends RegisterLine>(earlier: ReadonlyArray<{ year: number; lines: readonly T[] }>, year: number): T[] {
  const latest = new Map<string, T>();
  for (const register of [...earlier].filter((r) => r.year < year).sort((a, b) => a.year - b.year)) {
    for (const line of register.lines) latest.set(line.itemId, line);
  }
  const start = yearStart(year);
  return [...latest.values()].filter((line) => !line.removed || (line.leftOn !== null && line.leftOn >= start));
}
