import { accountWithRole, type Chart } from '../domain/chart';
import { formatAmount } from '../domain/money';
import { type NotebookDoc, type NotebookEntry } from '../projections/ledger/notebook.projection';
import { netOn } from '../domain/net-amount';

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
    value: value > 0 ? formatAmount(value).replace(/\u202f/g, ' ') : '',
    pj: entry.pj,
  };
}
