import { accountWithRole, type Chart } from '../domain/chart';
import { formatFieldAmount } from '../domain/money';
import { carriedGoods } from '../domain/ledger';
import { type InventoryRow, type NotebookEntry } from '../projections/ledger/notebook.projection';
import { netOn } from '../domain/net-amount';
import { type NotebookSource, readNotebook, type NotebookDoc } from './notebook-read';
import { type CoopYears } from './year-opening';

/**
 * The coop's register as a year reads it (DOMAIN.md, "Validated books": the register is the
 * coop's): the goods of earlier years' registers still held when it began, then the year's own
 * lines (a good of an earlier year that left during this one is among them, left).
 */
export function registerOf(doc: NotebookDoc, earlier: readonly NotebookDoc[]): InventoryRow[] {
  const own = new Set(doc.inventory.map((i) => i.itemId));
  const carried = carriedGoods(
    earlier.map((d) => ({ year: d.year, lines: d.inventory })),
    doc.year,
  );
  return [...carried.filter((i) => !own.has(i.itemId)), ...doc.inventory];
}

/** The coop's notebooks of the years before `year`, first to last (those with a notebook). */
export async function earlierNotebooks(source: NotebookSource, coop: CoopYears, year: number): Promise<NotebookDoc[]> {
  const years = Array.from({ length: Math.max(0, year - coop.firstYear) }, (_, i) => coop.firstYear + i);
  return (await Promise.all(years.map((y) => readNotebook(source, coop, y)))).filter((d) => d !== null);
}

/**
 * Entries with a debit on the chart's durable goods account whose PJ no inventory item bears:
 * INVENTORY_MISSING's rule (ClosingFacts.durableGoodsWithoutInventory), entry by entry.
 */
export function entriesWithoutInventory(doc: NotebookDoc, chart: Chart): NotebookEntry[] {
  const durableGoods = accountWithRole(chart, 'durableGoods')?.code;
  if (durableGoods === undefined) return [];
  const inventoried = new Set(doc.inventory.map((i) => i.pj).filter(Boolean));
  return doc.entries.filter((e) => e.lines.some((l) => l.account === durableGoods && l.debit) && !inventoried.has(e.pj));
}

/** The inventory form filled from a purchase: its label, date, the amount on the durable goods account, its PJ. */
export function inventoryValuesOf(entry: NotebookEntry, chart: Chart): Record<string, string> {
  const durableGoods = accountWithRole(chart, 'durableGoods')?.code;
  const value = durableGoods === undefined ? 0 : netOn(entry.lines, durableGoods);
  return {
    designation: entry.label,
    acquiredOn: entry.date,
    quantity: '1',
    value: value > 0 ? formatFieldAmount(value) : '',
    pj: entry.pj,
  };
}
