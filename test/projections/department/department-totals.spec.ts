import fc from 'fast-check';
import { defaultChart } from '../../../src/domain/chart';
import { type LedgerCommand } from '../../../src/domain/ledger';
import { YEAR_FACTS } from '../../../src/projections/year-facts.projection';
import { type DepartmentTotals } from '../../../src/reads/department-totals';
import { accountDrillDown, aggregatedAccounts } from '../../../src/reads/department-views';
import { breakdownView } from '../../../src/reads/ledger-views';
import { credit, debit, DepartmentLog, entry, notebook, totals } from './support';

/** The totals' maps as plain records, to compare. */
const plain = (t: DepartmentTotals) => ({
  ...t,
  accounts: Object.fromEntries([...t.accounts].map(([account, total]) => [account, { net: total.net, byCoop: Object.fromEntries(total.byCoop) }])),
});

const chart = defaultChart('14', 2024);
const counts = { coops: 3, closed: 0 };

function department(): DepartmentLog {
  const log = new DepartmentLog();
  for (const [id, name] of [
    ['ecoleA', 'École A'],
    ['ecoleB', 'École B'],
    ['ecoleC', 'École C'],
  ])
    log.register(id, '14', name);
  log.register('ecoleD', '61', 'École D');
  log.run('ecoleA', 2024, {
    type: 'RecordEntry',
    entryId: 'a1',
    entry: entry('01', '2024-09-10', 'Cotisation et assurance', [debit('6586', 21200), debit('6168', 2100), credit('512', 23300)]),
  });
  log.run('ecoleA', 2024, { type: 'RecordEntry', entryId: 'a2', entry: entry('02', '2024-10-15', 'Photos', [debit('512', 32000), credit('7070', 32000)]) });
  log.run('ecoleA', 2024, {
    type: 'RecordEntry',
    entryId: 'a3',
    entry: entry('03', '2024-10-20', 'Photographe', [debit('6070', 32000), credit('512', 32000)]),
  });
  log.run('ecoleB', 2024, { type: 'RecordEntry', entryId: 'b1', entry: entry('01', '2024-09-11', 'Cotisation', [debit('6586', 10601), credit('512', 10601)]) });
  log.run('ecoleB', 2024, {
    type: 'RecordEntry',
    entryId: 'b2',
    entry: entry('02', '2024-09-12', 'Régie', [debit('4670', 15000, 'CP'), credit('512', 15000)]),
  });
  log.run('ecoleB', 2024, {
    type: 'RecordEntry',
    entryId: 'b3',
    entry: entry('03', '2024-09-30', 'Régie expliquée', [debit('6181', 14999), credit('4670', 14999, 'CP')]),
  });
  log.run('ecoleB', 2024, { type: 'RecordEntry', entryId: 'b4', entry: entry('04', '2024-10-01', 'Ventes', [debit('530', 4550), credit('7070', 4550)]) });
  log.run('ecoleC', 2024, { type: 'RecordEntry', entryId: 'c1', entry: entry('01', '2024-09-13', 'Subvention', [debit('512', 50000), credit('7410', 50000)]) });
  log.run('ecoleD', 2024, { type: 'RecordEntry', entryId: 'd1', entry: entry('01', '2024-09-13', 'Dons', [debit('512', 99999), credit('7580', 99999)]) });
  return log;
}

const totalOf = (view: ReturnType<typeof aggregatedAccounts>, account: string): number => view.accounts.find((a) => a.account === account)!.total;

/** Σ over the coops of their own breakdown, per account. */
function sumOfBreakdowns(log: DepartmentLog, coopIds: string[]): Record<string, number> {
  const docs = log.fold();
  const sums: Record<string, number> = {};
  for (const coopId of coopIds) {
    const doc = notebook(docs, coopId, 2024);
    if (!doc) continue;
    for (const a of breakdownView(doc, chart).accounts) sums[a.account] = (sums[a.account] ?? 0) + a.total;
  }
  return sums;
}

const asRecord = (view: ReturnType<typeof aggregatedAccounts>): Record<string, number> => Object.fromEntries(view.accounts.map((a) => [a.account, a.total]));

describe('department totals projection', () => {
  it('sums charges and products over the department’s coops, exactly, and equal to the sum of their breakdowns', () => {
    const log = department();
    const view = aggregatedAccounts(totals(log.fold(), '14', 2024), chart, counts);
    expect(view).toMatchObject({ department: '14', year: 2024, coops: 3, closed: 0 });
    expect(totalOf(view, '6586')).toBe(21200 + 10601);
    expect(totalOf(view, '6168')).toBe(2100);
    expect(totalOf(view, '6070')).toBe(32000);
    expect(totalOf(view, '6181')).toBe(14999);
    expect(totalOf(view, '7070')).toBe(32000 + 4550);
    expect(totalOf(view, '7410')).toBe(50000);
    expect(totalOf(view, '7580')).toBe(0);
    expect(view.totalCharges).toBe(21200 + 10601 + 2100 + 32000 + 14999);
    expect(view.totalProducts).toBe(32000 + 4550 + 50000);
    expect(view.result).toBe(view.totalProducts - view.totalCharges);
    expect(view.accounts.map((a) => a.account)).toEqual(chart.accounts.filter((a) => a.kind === 'charge' || a.kind === 'product').map((a) => a.code));
    expect(asRecord(view)).toEqual(sumOfBreakdowns(log, ['ecoleA', 'ecoleB', 'ecoleC']));
  });

  it('drills down to the coops behind a figure', () => {
    const log = department();
    const names = new Map([
      ['ecoleA', 'École A'],
      ['ecoleB', 'École B'],
    ]);
    expect(accountDrillDown(totals(log.fold(), '14', 2024), chart, '6586', names)).toEqual({
      account: '6586',
      label: "Cotisations à l'OCCE",
      kind: 'charge',
      total: 31801,
      coops: [
        { coopId: 'ecoleA', name: 'École A', amount: 21200 },
        { coopId: 'ecoleB', name: 'École B', amount: 10601 },
      ],
    });
    expect(accountDrillDown(totals(log.fold(), '14', 2024), chart, '512', names)).toBeNull();
    expect(accountDrillDown(totals(log.fold(), '14', 2024), chart, '7580', names)).toMatchObject({ total: 0, coops: [] });
  });

  it('sums each coop’s own amounts, from its year’s facts, per department', () => {
    const docs = department().fold();
    expect(plain(totals(docs, '61', 2024)).accounts).toEqual({ '7580': { net: -99999, byCoop: { ecoleD: -99999 } } });
    const b = (account: string) => plain(totals(docs, '14', 2024)).accounts[account].byCoop.ecoleB;
    expect([b('6586'), b('6181'), b('7070')]).toEqual([10601, 14999, -4550]);
    expect(totals(docs, '14', 2024).accounts.has('512')).toBe(false);
  });

  it('a new entry in one coop moves only that coop’s part, and rewrites only that coop’s year facts', () => {
    const log = department();
    const beforeDocs = log.fold();
    const before = plain(totals(beforeDocs, '14', 2024));
    log.run('ecoleC', 2024, { type: 'RecordEntry', entryId: 'c2', entry: entry('02', '2024-11-02', 'Kermesse', [debit('512', 777), credit('7070', 777)]) });
    const afterDocs = log.fold();
    const after = plain(totals(afterDocs, '14', 2024));
    expect(after.accounts['7070']).toEqual({ net: before.accounts['7070'].net - 777, byCoop: { ...before.accounts['7070'].byCoop, ecoleC: -777 } });
    const { '7070': _changed, ...others } = after.accounts;
    const { '7070': _was, ...othersBefore } = before.accounts;
    expect(others).toEqual(othersBefore);
    const changed = [...afterDocs.get(YEAR_FACTS)!].filter(([id, doc]) => JSON.stringify(doc) !== JSON.stringify(beforeDocs.get(YEAR_FACTS)!.get(id)));
    expect(changed.map(([id]) => id)).toEqual(['ecoleC:2024']);
    expect(plain(totals(afterDocs, '61', 2024)).accounts).toEqual({ '7580': { net: -99999, byCoop: { ecoleD: -99999 } } });
  });

  it('moves amounts on amendment and deletion with the content the events carry', () => {
    const log = department();
    log.run('ecoleA', 2024, {
      type: 'AmendEntry',
      entryId: 'a3',
      entry: entry('03', '2024-10-20', 'Photographe', [debit('6070', 30000), debit('6181', 2000), credit('512', 32000)]),
    });
    log.run('ecoleB', 2024, { type: 'DeleteEntry', entryId: 'b1' });
    const view = aggregatedAccounts(totals(log.fold(), '14', 2024), chart, counts);
    expect(totalOf(view, '6070')).toBe(30000);
    expect(totalOf(view, '6181')).toBe(14999 + 2000);
    expect(totalOf(view, '6586')).toBe(21200);
    expect(plain(totals(log.fold(), '14', 2024)).accounts['6586'].byCoop).toEqual({ ecoleA: 21200 });
    expect(asRecord(view)).toEqual(sumOfBreakdowns(log, ['ecoleA', 'ecoleB', 'ecoleC']));
  });

  it('ignores events already applied (redelivery, replay from an older checkpoint)', () => {
    const log = department();
    log.run('ecoleA', 2024, {
      type: 'AmendEntry',
      entryId: 'a3',
      entry: entry('03', '2024-10-20', 'Photographe', [debit('6070', 30000), credit('512', 30000)]),
    });
    const once = log.fold();
    const replayed = log.fold([...log.events, ...log.events.slice(5)]);
    expect(replayed.get(YEAR_FACTS)).toEqual(once.get(YEAR_FACTS));
    expect(plain(totals(replayed, '14', 2024))).toEqual(plain(totals(once, '14', 2024)));
  });

  it('equals the sum of the coops’ breakdowns to the cent for any accepted entries, amendments and deletions', () => {
    const account = fc.constantFrom('6070', '6181', '6586', '6800', '7070', '7410', '7580', '6270');
    const lines = fc
      .record({
        treasury: fc.constantFrom('512', '530'),
        parts: fc.array(fc.tuple(account, fc.integer({ min: 1, max: 999_999 })), { minLength: 1, maxLength: 3 }),
        receipt: fc.boolean(),
      })
      .map(({ treasury, parts, receipt }) => {
        const sum = parts.reduce((s, [, a]) => s + a, 0);
        return receipt
          ? [debit(treasury, sum), ...parts.map(([acc, a]) => credit(acc, a))]
          : [...parts.map(([acc, a]) => debit(acc, a)), credit(treasury, sum)];
      });
    const id = fc.constantFrom('x1', 'x2', 'x3', 'x4');
    const coop = fc.constantFrom('c1', 'c2', 'c3');
    const content = fc.record({ pj: fc.integer({ min: 1, max: 50 }).map(String), lines });
    const step: fc.Arbitrary<[string, LedgerCommand]> = fc.oneof(
      fc
        .tuple(coop, id, content)
        .map(
          ([c, entryId, { pj, lines: l }]) => [c, { type: 'RecordEntry', entryId, entry: entry(pj, '2024-10-01', 'Écriture', l) }] as [string, LedgerCommand],
        ),
      fc
        .tuple(coop, id, content)
        .map(
          ([c, entryId, { pj, lines: l }]) => [c, { type: 'AmendEntry', entryId, entry: entry(pj, '2024-10-02', 'Modifiée', l) }] as [string, LedgerCommand],
        ),
      fc.tuple(coop, id).map(([c, entryId]) => [c, { type: 'DeleteEntry', entryId }] as [string, LedgerCommand]),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const log = new DepartmentLog();
        for (const c of ['c1', 'c2', 'c3']) log.register(c, '14', c);
        for (const [c, command] of steps) {
          try {
            log.run(c, 2024, command);
          } catch {
            // Refused: nothing recorded.
          }
        }
        const view = aggregatedAccounts(totals(log.fold(), '14', 2024), chart, counts);
        const expected = sumOfBreakdowns(log, ['c1', 'c2', 'c3']);
        for (const a of view.accounts) expect(a.total).toBe(expected[a.account] ?? 0);
      }),
      { numRuns: 100 },
    );
  });
});
