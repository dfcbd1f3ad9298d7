import { defaultChart } from '../../src/domain/chart';
import { actionReport, actionsView, advancesView, breakdownView, calendarYearView, craView, crfView, gridView } from '../../src/reads/ledger-views';
import { content, credit, debit, guideYear, TestLog } from '../projections/ledger/support';

const chart = defaultChart('14', 2024);

function guideLog(): TestLog {
  const log = new TestLog();
  guideYear(log);
  // Cash deposited at the bank: PJ 04, but the last entry by date.
  log.append(2024, {
    type: 'EntryRecorded',
    data: { entryId: 'e-depot', ...content('04', '2025-07-01', 'Dépôt de la caisse', [debit('512', 30), credit('530', 30)]) },
  });
  return log;
}

describe('grid', () => {
  it('lists entries in date order with running bank and cash balances from the opening', () => {
    const grid = gridView(guideLog().notebook(2024), chart, { order: 'date' });
    expect(grid.rows.map((r) => [r.pj, r.balances.bank, r.balances.cash])).toEqual([
      ['01', 76700, 5000],
      ['02', 61700, 5000],
      ['03', 111700, 5000],
      ['020', 143700, 5000],
      ['021', 111700, 5000],
      ['50', 114200, 5000],
      ['62', 114200, 5000],
      ['04', 117200, 2000],
    ]);
    expect(grid.opening).toEqual({ bank: 100000, cash: 5000, source: 'declared', provisional: false });
    expect(grid.balances).toEqual({ bank: 117200, cash: 2000 });
  });

  it('in PJ order, PJ numbers sort as numbers and the running balances follow that order', () => {
    const grid = gridView(guideLog().notebook(2024), chart, { order: 'pj' });
    expect(grid.rows.map((r) => [r.pj, r.balances.bank])).toEqual([
      ['01', 76700],
      ['02', 61700],
      ['03', 111700],
      ['04', 114700],
      ['020', 146700],
      ['021', 114700],
      ['50', 117200],
      ['62', 117200],
    ]);
    expect(grid.balances).toEqual({ bank: 117200, cash: 2000 });
  });

  it('the 233,00 cheque is one bank expense split over the membership and insurance columns', () => {
    const row = gridView(guideLog().notebook(2024), chart).rows.find((r) => r.pj === '01')!;
    expect(row).toMatchObject({ chequeNo: '1568001', revision: 1, reconciled: false, warnings: [] });
    expect(row.columns).toMatchObject({
      bankIn: 0,
      bankOut: 23300,
      cashIn: 0,
      cashOut: 0,
      advancePaid: 0,
      advanceBack: 0,
      '6586': 21200,
      '6168': 2100,
      '7070': 0,
    });
  });

  it('advance columns: paid on 4670 debit, returned or explained on 4670 credit', () => {
    const rows = gridView(guideLog().notebook(2024), chart).rows;
    expect(rows.find((r) => r.pj === '02')!.columns).toMatchObject({ advancePaid: 15000, bankOut: 15000 });
    expect(rows.find((r) => r.pj === '50')!.columns).toMatchObject({ advanceBack: 2500, bankIn: 2500 });
    expect(rows.find((r) => r.pj === '62')!.columns).toMatchObject({ advanceBack: 12500, '6181': 12500, bankIn: 0, bankOut: 0 });
  });

  it('columns: treasury and advances, then every charge and product account of the chart; retired ones only when used', () => {
    const retiring = { ...chart, accounts: chart.accounts.map((a) => (a.code === '7610' || a.code === '6070' ? { ...a, retired: true } : a)) };
    const keys = gridView(guideLog().notebook(2024), retiring).columns.map((c) => c.key);
    expect(keys).toEqual([
      'bankIn',
      'bankOut',
      'cashIn',
      'cashOut',
      'advancePaid',
      'advanceBack',
      '6070',
      '6168',
      '6181',
      '6270',
      '6586',
      '6700',
      '6800',
      '7070',
      '7080',
      '7410',
      '7460',
      '7560',
      '7580',
      '7700',
    ]);
    expect(gridView(guideLog().notebook(2024), chart).columns.find((c) => c.key === '7410')).toEqual({
      key: '7410',
      label: 'Subventions des collectivités territoriales',
      kind: 'product',
    });
  });

  it('totals per account and per column', () => {
    const grid = gridView(guideLog().notebook(2024), chart);
    expect(grid.totals['512']).toEqual({ debit: 50000 + 32000 + 2500 + 3000, credit: 23300 + 15000 + 32000 });
    expect(grid.totals['4670']).toEqual({ debit: 15000, credit: 15000 });
    expect(grid.columnTotals).toMatchObject({ bankIn: 87500, bankOut: 70300, cashOut: 3000, '7410': 50000, '6070': 32000 });
  });

  it('an amendment moves the amounts; a deletion removes the row', () => {
    const log = guideLog();
    const previous = log.notebook(2024).entries.find((e) => e.entryId === 'e-cotisation')!;
    log.append(2024, {
      type: 'EntryAmended',
      data: { entryId: 'e-cotisation', ...content('01', '2024-09-10', 'OCCE 14', [debit('6586', 200), debit('6168', 33), credit('512', 233)]), previous },
    });
    log.append(2024, { type: 'EntryDeleted', data: { entryId: 'e-depot', previous: log.notebook(2024).entries.find((e) => e.entryId === 'e-depot')! } });
    const grid = gridView(log.notebook(2024), chart);
    expect(grid.rows.find((r) => r.pj === '01')).toMatchObject({ revision: 2, columns: { '6586': 20000, '6168': 3300 } });
    expect(grid.rows.map((r) => r.pj)).not.toContain('04');
    expect(grid.balances).toEqual({ bank: 114200, cash: 5000 });
  });

  it('reconciled rows say so', () => {
    const log = guideLog();
    log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-mairie', statementDate: '2024-10-31' } });
    expect(gridView(log.notebook(2024), chart).rows.find((r) => r.pj === '03')).toMatchObject({ reconciled: true, statementDate: '2024-10-31' });
  });

  it('a durable good without an inventory item with its PJ is flagged INVENTORY_MISSING', () => {
    const log = guideLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e-camera', ...content('07', '2024-11-02', 'Appareil photo', [debit('6800', 249), credit('512', 249)]) },
    });
    expect(gridView(log.notebook(2024), chart).rows.find((r) => r.pj === '07')!.warnings).toEqual(['INVENTORY_MISSING']);
    log.append(2024, {
      type: 'InventoryItemAdded',
      data: { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2024-11-02', quantity: 1, value: 24900, pj: '07' },
    });
    expect(gridView(log.notebook(2024), chart).rows.find((r) => r.pj === '07')!.warnings).toEqual([]);
  });

  it('the next year shows the previous closing as opening and the carried-over list; its early entries keep their place', () => {
    const log = guideLog();
    log.append(2025, { type: 'EntryRecorded', data: { entryId: 'n1', ...content('01', '2025-09-05', 'Dons', [debit('512', 60), credit('7580', 60)]) } });
    log.append(2024, {
      type: 'YearClosed',
      data: {
        closedOn: '2025-09-10',
        bank: 117200,
        cash: 2000,
        result: 14200,
        openAdvances: [],
        unreconciled: [{ entryId: 'e-photos-out', pj: '021', date: '2025-05-10', label: 'Photographe', chequeNo: '1568965', amount: -32000 }],
      },
    });
    const grid = gridView(log.notebook(2025), defaultChart('14', 2025));
    expect(grid.opening).toEqual({ bank: 117200, cash: 2000, source: 'previous-year', provisional: false });
    expect(grid.rows.map((r) => [r.pj, r.balances.bank])).toEqual([['01', 123200]]);
    expect(grid.carriedOver).toEqual([
      { entryId: 'e-photos-out', pj: '021', date: '2025-05-10', label: 'Photographe', chequeNo: '1568965', amount: -32000, seen: false, statementDate: null },
    ]);
  });
});

describe('breakdown', () => {
  it('totals per account, charges, products and the result', () => {
    const breakdown = breakdownView(guideLog().notebook(2024), chart);
    const nonZero = breakdown.accounts.filter((a) => a.total !== 0);
    expect(nonZero).toEqual([
      { account: '6070', label: "Achats d'objets à revendre", kind: 'charge', total: 32000 },
      { account: '6168', label: 'Assurances', kind: 'charge', total: 2100 },
      { account: '6181', label: 'Activités éducatives', kind: 'charge', total: 12500 },
      { account: '6586', label: "Cotisations à l'OCCE", kind: 'charge', total: 21200 },
      { account: '7070', label: "Ventes d'objets", kind: 'product', total: 32000 },
      { account: '7410', label: 'Subventions des collectivités territoriales', kind: 'product', total: 50000 },
    ]);
    expect(breakdown).toMatchObject({ totalCharges: 67800, totalProducts: 82000, result: 14200 });
  });
});

describe('actions', () => {
  it('the guide’s photos: 320,00 in, 320,00 out, balance 0,00', () => {
    const actions = actionsView(guideLog().notebook(2024), chart);
    expect(actions.find((a) => a.name === 'Photos')).toEqual({ name: 'Photos', totalIn: 32000, totalOut: 32000, balance: 0 });
  });

  it('an advance explained on charges is an expense of its action; paying the advance is not', () => {
    expect(actionsView(guideLog().notebook(2024))).toEqual([
      { name: 'CP-CE1', totalIn: 0, totalOut: 12500, balance: -12500 },
      { name: 'Photos', totalIn: 32000, totalOut: 32000, balance: 0 },
    ]);
  });

  it('an entry carrying the same tag as A and B counts once', () => {
    const log = new TestLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e1', ...content('01', '2024-09-10', 'Kermesse', [debit('530', 40), credit('7080', 40)], { actionA: 'Kermesse', actionB: 'Kermesse' }) },
    });
    expect(actionsView(log.notebook(2024), chart)).toEqual([{ name: 'Kermesse', totalIn: 4000, totalOut: 0, balance: 4000 }]);
  });

  it('an action report lists the tagged rows in date order with receipts and expenses', () => {
    const report = actionReport(guideLog().notebook(2024), chart, 'Photos')!;
    expect(report).toMatchObject({ name: 'Photos', totalIn: 32000, totalOut: 32000, balance: 0 });
    expect(report.rows.map((r) => [r.pj, r.date, r.label, r.chequeNo, r.in, r.out])).toEqual([
      ['020', '2025-04-25', 'Ventes de photos scolaires aux familles', null, 32000, 0],
      ['021', '2025-05-10', 'Photographe Fact. n°199200 - Photos', '1568965', 0, 32000],
    ]);
    expect(actionReport(guideLog().notebook(2024), chart, 'Inconnue')).toBeNull();
  });
});

describe('advances', () => {
  it('per régie: paid 150,00 = returned 25,00 + explained 125,00, balance 0', () => {
    expect(advancesView(guideLog().notebook(2024))).toEqual([{ regie: 'CP-CE1', carried: 0, paid: 15000, returned: 2500, explained: 12500, balance: 0 }]);
  });

  it('an advance not yet settled shows its balance', () => {
    const log = new TestLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'r1', ...content('10', '2025-03-01', 'Régie CM1', [debit('4670', 150, 'CM1'), credit('512', 150)]) },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'r2', ...content('11', '2025-04-01', 'Régie complémentaire CM1', [debit('4670', 15, 'CM1'), credit('512', 15)]) },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'r3', ...content('12', '2025-06-01', 'Régie CM1 expliquée', [debit('6181', 150), credit('4670', 150, 'CM1')]) },
    });
    expect(advancesView(log.notebook(2024))).toEqual([{ regie: 'CM1', carried: 0, paid: 16500, returned: 0, explained: 15000, balance: 1500 }]);
  });
});

describe('CRF', () => {
  it('charges, products, result, opening and current balances, the 500,00 Mairie subsidy matching 7410, advances, cash count', () => {
    const log = guideLog();
    log.append(2024, { type: 'CashCounted', data: { countId: 'c1', date: '2025-07-02', counts: { '1000': 2 }, total: 2000 } });
    const crf = crfView(log.notebook(2024), chart);
    expect(crf).toMatchObject({
      coopId: 'ecole1',
      year: 2024,
      from: '2024-09-01',
      to: '2025-08-31',
      status: 'open',
      totalCharges: 67800,
      totalProducts: 82000,
      result: 14200,
      opening: { bank: 100000, cash: 5000, source: 'declared' },
      closing: { bank: 117200, cash: 2000, final: false },
      subsidies: { total: 50000, account: 50000, difference: 0, matches: true, attachedToExpenses: 0 },
      advances: [{ regie: 'CP-CE1', paid: 15000, returned: 2500, explained: 12500, balance: 0 }],
      cashCount: { date: '2025-07-02', total: 2000, balance: 2000, difference: 0 },
    });
    expect(crf.subsidies.rows).toEqual([
      { origin: 'Mairie', amount: 50000, date: '2024-10-15', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 },
    ]);
    expect(crf.products.find((p) => p.account === '7410')).toEqual({ account: '7410', label: 'Subventions des collectivités territoriales', total: 50000 });
    expect(crf.charges.every((c) => c.account.startsWith('6'))).toBe(true);
  });

  it('a subsidies table that does not match 7410 shows the difference', () => {
    const log = guideLog();
    log.append(2024, {
      type: 'SubsidiesDeclared',
      data: { rows: [{ origin: 'Mairie', amount: 40000, date: '2024-10-15', designation: 'Projets', attachedToExpenses: 0 }] },
    });
    expect(crfView(log.notebook(2024), chart).subsidies).toMatchObject({ total: 40000, account: 50000, difference: -10000, matches: false });
  });

  it("groups charges and products by rubric of OCCE's nomenclature with subtotals, the exceptional result apart", () => {
    const log = guideLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e-exc', ...content('40', '2025-06-20', 'Remboursement de sinistre', [debit('512', 120), credit('7700', 120)]) },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e-pen', ...content('41', '2025-06-21', 'Pénalité de retard', [debit('6700', 20), credit('512', 20)]) },
    });
    const crf = crfView(log.notebook(2024), chart);
    for (const rubrics of [crf.chargeRubrics, crf.productRubrics]) {
      for (const r of rubrics) {
        expect(r.accounts.every((a) => a.account.startsWith(r.code))).toBe(true);
        expect(r.total).toBe(r.accounts.reduce((sum, a) => sum + a.total, 0));
      }
    }
    expect(crf.chargeRubrics.map((r) => r.code)).toEqual([...new Set(crf.charges.map((c) => c.account.slice(0, 2)))].sort());
    expect(crf.chargeRubrics.reduce((sum, r) => sum + r.total, 0)).toBe(crf.totalCharges);
    expect(crf.productRubrics.reduce((sum, r) => sum + r.total, 0)).toBe(crf.totalProducts);
    expect(crf.productRubrics.find((r) => r.code === '74')).toMatchObject({ label: "Subventions d'exploitation", total: 50000 });
    expect(crf.chargeRubrics.find((r) => r.code === '67')).toMatchObject({ label: 'Charges exceptionnelles', total: 2000 });
    expect(crf.exceptionalResult).toBe(12000 - 2000);
    expect(crf.currentResult + crf.exceptionalResult).toBe(crf.result);
  });

  it('a subsidy received but not yet spent is earmarked: what each row has beyond its part attached to expenses', () => {
    const log = guideLog();
    log.append(2024, {
      type: 'SubsidiesDeclared',
      data: {
        rows: [
          { origin: 'Mairie', amount: 30000, date: '2024-10-15', designation: 'Classe de mer', attachedToExpenses: 18000 },
          { origin: 'Département', amount: 20000, date: '2024-11-02', designation: 'Jardin', attachedToExpenses: 20000 },
        ],
      },
    });
    expect(crfView(log.notebook(2024), chart).subsidies).toMatchObject({ total: 50000, attachedToExpenses: 38000, earmarked: 12000 });
  });

  it('a closed year reports its closing figures', () => {
    const log = guideLog();
    log.append(2024, { type: 'YearClosed', data: { closedOn: '2025-09-10', bank: 117200, cash: 2000, result: 14200, openAdvances: [], unreconciled: [] } });
    expect(crfView(log.notebook(2024), chart).closing).toEqual({ bank: 117200, cash: 2000, final: true });
  });
});

describe('CRA', () => {
  it('every action with its figures and free text, then activities told in free text only', () => {
    const log = guideLog();
    log.append(2024, { type: 'ActivityReported', data: { activity: 'Photos', text: 'Photos de classe vendues aux familles.' } });
    log.append(2024, { type: 'ActivityReported', data: { activity: 'Fête de l’école', text: 'Spectacle des classes en juin.' } });
    expect(craView(log.notebook(2024), chart).activities).toEqual([
      { name: 'CP-CE1', totalIn: 0, totalOut: 12500, balance: -12500, text: null, entries: 2 },
      { name: 'Fête de l’école', totalIn: 0, totalOut: 0, balance: 0, text: 'Spectacle des classes en juin.', entries: 0 },
      { name: 'Photos', totalIn: 32000, totalOut: 32000, balance: 0, text: 'Photos de classe vendues aux familles.', entries: 2 },
    ]);
  });
});

describe('calendar year', () => {
  it('January → December across two fiscal years, entries filtered by date', () => {
    const log = guideLog();
    log.append(2025, {
      type: 'EntryRecorded',
      data: { entryId: 'n1', ...content('01', '2025-09-05', 'Photos de rentrée', [debit('512', 60), credit('7070', 60)], { actionA: 'Photos' }) },
    });
    log.append(2025, { type: 'EntryRecorded', data: { entryId: 'n2', ...content('02', '2026-01-05', 'Galette', [debit('530', 20), credit('7080', 20)]) } });
    const view = calendarYearView([log.notebook(2024), log.notebook(2025)], [chart, defaultChart('14', 2025)], 2025);
    expect(view).toMatchObject({ calendarYear: 2025, from: '2025-01-01', to: '2025-12-31' });
    // 2025: photos in (320 + 60) and out (320), the explained advance (125); not the Mairie of October 2024 nor the galette of 2026.
    expect(view.breakdown).toMatchObject({ totalCharges: 44500, totalProducts: 38000, result: -6500 });
    expect(view.actions).toEqual([
      { name: 'CP-CE1', totalIn: 0, totalOut: 12500, balance: -12500 },
      { name: 'Photos', totalIn: 38000, totalOut: 32000, balance: 6000 },
    ]);
  });

  it('a missing fiscal year contributes nothing', () => {
    const view = calendarYearView([null, guideLog().notebook(2024)], [chart, chart], 2024);
    expect(view.breakdown).toMatchObject({ totalCharges: 21200 + 2100, totalProducts: 50000 });
  });
});
