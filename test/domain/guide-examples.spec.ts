import { balances, closingChecklist, closingFactsOf, resultOf, yearWarnings } from '../../src/domain/ledger';
import { type LedgerCommand } from '../../src/domain/ledger';
import { CLOSING_DAY, env, input, opened, run } from './ledger-fixtures';

/** The worked examples of the guide (seed/guide-retkoop-mandataires.txt) and DOMAIN.md. */
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);
const record = (entryId: string, pj: string, date: string, label: string, lines: Parameters<typeof input>[3], more = {}): LedgerCommand => ({
  type: 'RecordEntry',
  entryId,
  entry: input(pj, date, label, lines, more),
});

describe('the photos: 320,00 in, 320,00 out', () => {
  it('balances to 0,00 for the action and in the result', () => {
    const { state } = run([
      record(
        'e1',
        '020',
        '2025-04-25',
        'Ventes de photos scolaires aux familles',
        [
          { account: '512', debit: 32000 },
          { account: '7070', credit: 32000 },
        ],
        { actionA: 'Photos' },
      ),
      record(
        'e2',
        '021',
        '2025-05-10',
        'Photographe Durand – Facture 118',
        [
          { account: '6070', debit: 32000 },
          { account: '512', credit: 32000 },
        ],
        { actionA: 'Photos', chequeNo: '0000123' },
      ),
    ]);
    const photos = Object.values(state.entries).filter((e) => e.content.actionA === 'Photos');
    const bankIn = photos.reduce((s, e) => s + e.content.lines.filter((l) => l.account === '512').reduce((t, l) => t + (l.debit ?? 0), 0), 0);
    const bankOut = photos.reduce((s, e) => s + e.content.lines.filter((l) => l.account === '512').reduce((t, l) => t + (l.credit ?? 0), 0), 0);
    expect([bankIn, bankOut]).toEqual([32000, 32000]);
    expect(resultOf(state, env.chart)).toBe(0);
    expect(balances(state, env).bank).toBe(0);
    expect(state.totals['7070']).toEqual({ debit: 0, credit: 32000 });
    expect(state.totals['6070']).toEqual({ debit: 32000, credit: 0 });
  });
});

describe('the 233,00 cheque to the OCCE: membership and insurance', () => {
  it('split over 6586 (212,00) and 6168 (21,00): no COTISATION_ASSURANCE', () => {
    const { state } = run([
      record('e1', '05', '2024-09-20', 'OCCE 14 – Cotisation et assurance', [
        { account: '6586', debit: 21200 },
        { account: '6168', debit: 2100 },
        { account: '512', credit: 23300 },
      ]),
    ]);
    expect(codes(yearWarnings(state, env))).not.toContain('COTISATION_ASSURANCE');
  });

  it('all of it on 6586: "La cotisation a été payée à l\'OCCE (233,00). Est-il normal que l\'assurance soit à 0 ?"', () => {
    const { state } = run([
      record('e1', '05', '2024-09-20', 'OCCE 14', [
        { account: '6586', debit: 23300 },
        { account: '512', credit: 23300 },
      ]),
    ]);
    expect(yearWarnings(state, env)).toEqual([
      { code: 'COTISATION_ASSURANCE', message: "La cotisation a été payée à l'OCCE (233,00). Est-il normal que l'assurance soit à 0 ?", fix: 'saisie' },
    ]);
  });

  it('all of it on 6168: the reverse sentence', () => {
    const { state } = run([
      record('e1', '05', '2024-09-20', 'OCCE 14', [
        { account: '6168', debit: 23300 },
        { account: '512', credit: 23300 },
      ]),
    ]);
    expect(yearWarnings(state, env).map((w) => w.message)).toEqual([
      "Une assurance a été payée (233,00), mais est-il normal que la cotisation à l'OCCE soit à 0 ?",
    ]);
  });

  it('amending the entry into the split clears the warning', () => {
    const { state } = run([
      record('e1', '05', '2024-09-20', 'OCCE 14', [
        { account: '6586', debit: 23300 },
        { account: '512', credit: 23300 },
      ]),
      {
        type: 'AmendEntry',
        entryId: 'e1',
        expectedRevision: 1,
        entry: input('05', '2024-09-20', 'OCCE 14', [
          { account: '6586', debit: 21200 },
          { account: '6168', debit: 2100 },
          { account: '512', credit: 23300 },
        ]),
      },
    ]);
    expect(yearWarnings(state, env)).toEqual([]);
  });
});

describe('an advance (régie) of 150,00 to class CP-CE1', () => {
  const paid = record('a1', '02', '2024-10-01', "Virement Régie d'avance – Classe CP-CE1", [
    { account: '4670', debit: 15000, regie: 'CP-CE1' },
    { account: '512', credit: 15000 },
  ]);
  const explained = (amount: number): LedgerCommand =>
    record('a3', '62', '2025-06-25', "Dépenses de la régie d'avance – Classe CP-CE1", [
      { account: '6181', debit: amount },
      { account: '4670', credit: amount, regie: 'CP-CE1' },
    ]);
  const regieBlockers = (commands: LedgerCommand[]) => {
    const { state } = run(commands);
    return closingChecklist(closingFactsOf(state, env), CLOSING_DAY, 2024).blockers.filter((b) => b.code === 'REGIE_OPEN');
  };

  it('is open once paid: REGIE_OPEN "La régie d\'avance se monte actuellement à : 150,00 €"', () => {
    const blockers = regieBlockers([paid]);
    expect(blockers).toHaveLength(1);
    expect(blockers[0].message).toMatch(/^La régie d'avance se monte actuellement à : 150,00\u00a0€ \(CP-CE1\)/);
    expect(blockers[0].fix).toBe('regies');
  });

  it('settled by 25,00 returned and 125,00 explained', () => {
    const returned = record('a2', '50', '2025-06-20', "Retour de régie d'avance – Classe CP-CE1", [
      { account: '512', debit: 2500 },
      { account: '4670', credit: 2500, regie: 'CP-CE1' },
    ]);
    expect(regieBlockers([paid, returned])[0].message).toMatch(/à : 125,00/);
    expect(regieBlockers([paid, returned, explained(12500)])).toEqual([]);
    const { state } = run([paid, returned, explained(12500)]);
    expect(balances(state, env).bank).toBe(-15000 + 2500);
    expect(resultOf(state, env.chart)).toBe(-12500);
  });

  it('settled by a 15,00 top-up and 165,00 explained', () => {
    const topUp = record('a2', '50', '2025-06-20', "Virement Régie d'avance complémentaire – Classe CP-CE1", [
      { account: '4670', debit: 1500, regie: 'CP-CE1' },
      { account: '512', credit: 1500 },
    ]);
    expect(regieBlockers([paid, topUp])[0].message).toMatch(/à : 165,00/);
    expect(regieBlockers([paid, topUp, explained(16500)])).toEqual([]);
  });

  it('settled by 150,00 explained (spent to the cent)', () => {
    expect(regieBlockers([paid, explained(15000)])).toEqual([]);
  });

  it("keeps two classes' advances apart", () => {
    const other = record('b1', '03', '2024-10-02', "Régie d'avance – Classe CM2", [
      { account: '4670', debit: 15000, regie: 'CM2' },
      { account: '512', credit: 15000 },
    ]);
    const blockers = regieBlockers([paid, other, explained(15000)]);
    expect(blockers.map((b) => b.message)).toEqual([expect.stringContaining('(CM2)')]);
  });
});

describe('a 500,00 subsidy from the Mairie', () => {
  const received = record('s1', '10', '2024-10-15', 'Mairie – Subvention projets', [
    { account: '512', debit: 50000 },
    { account: '7410', credit: 50000 },
  ]);
  // The subsidy is not on the August statement yet: its balance is the bank's, 0.
  const augustStatement: LedgerCommand = { type: 'DeclareStatement', statementId: 'aout', date: '2025-08-31', closingBalance: 0 };
  const table: LedgerCommand = {
    type: 'DeclareSubsidies',
    rows: [
      { origin: 'Mairie', amount: 50000, date: '12/01/2025', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 },
      { origin: '', amount: 0, designation: '' },
    ],
  };

  it('SUBSIDIES_UNJUSTIFIED until the table is filled in', () => {
    const { state } = run([received, augustStatement], {}, [opened]);
    expect(codes(closingChecklist(closingFactsOf(state, env), CLOSING_DAY, 2024).blockers)).toEqual(['SUBSIDIES_UNJUSTIFIED']);
  });

  it('matches the 7410 total once declared (blank rows left out), and the page congratulates', () => {
    const { events, state } = run([received, table, augustStatement], {}, [opened]);
    expect(events[2]).toEqual({
      type: 'SubsidiesDeclared',
      data: { rows: [{ origin: 'Mairie', amount: 50000, date: '2025-01-12', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 }] },
    });
    const checklist = closingChecklist(closingFactsOf(state, env), CLOSING_DAY, 2024);
    expect(checklist.blockers).toEqual([]);
    expect(checklist.notes[0].message).toContain('Le total des montants correspond au compte 741');
  });

  it('refuses an incomplete row, field by field', () => {
    expect(() =>
      run([{ type: 'DeclareSubsidies', rows: [{ origin: 'Mairie', amount: 50000, date: 'hier', attachedToExpenses: 60000 }, { amount: 100 }] }]),
    ).toThrow(
      expect.objectContaining({
        errors: [
          expect.objectContaining({ code: 'DATE_REQUIRED', field: 'rows.0.date' }),
          expect.objectContaining({ code: 'AMOUNT_INVALID', field: 'rows.0.attachedToExpenses' }),
          expect.objectContaining({ code: 'ORIGIN_REQUIRED', field: 'rows.1.origin' }),
          expect.objectContaining({ code: 'DATE_REQUIRED', field: 'rows.1.date' }),
        ],
      }),
    );
  });
});

describe('a cash count by denominations', () => {
  const kermesse = record('c1', '30', '2025-06-14', 'Kermesse – buvette', [
    { account: '530', debit: 8765 },
    { account: '7070', credit: 8765 },
  ]);
  // 4 × 20 € + 1 × 5 € + 2 × 1 € + 1 × 0,50 € + 1 × 0,10 € + 1 × 0,05 € = 87,65 €
  const counts = { '2000': 4, '500': 1, '100': 2, '50': 1, '10': 1, '5': 1 };

  it('matching the 530 balance: no warning, no blocker', () => {
    const { events, state } = run([kermesse, { type: 'CountCash', countId: 'k1', date: '2025-06-15', counts }], {}, [opened]);
    expect(events[2]).toMatchObject({ type: 'CashCounted', data: { countId: 'k1', date: '2025-06-15', total: 8765 } });
    expect(yearWarnings(state, env)).toEqual([]);
    expect(codes(closingChecklist(closingFactsOf(state, env), CLOSING_DAY, 2024).blockers)).toEqual([]);
  });

  it('not matching: CASH_COUNT_MISMATCH with the difference, as a warning and a closing blocker', () => {
    const { state } = run([kermesse, { type: 'CountCash', countId: 'k1', date: '2025-06-15', counts: { ...counts, '2000': 3 } }], {}, [opened]);
    const message = "L'arrêté de caisse ne correspond pas avec le solde 530, la différence est de -20,00\u00a0€";
    expect(yearWarnings(state, env)).toEqual([{ code: 'CASH_COUNT_MISMATCH', message, fix: 'caisse' }]);
    expect(closingChecklist(closingFactsOf(state, env), CLOSING_DAY, 2024).blockers).toEqual([{ code: 'CASH_COUNT_MISMATCH', message, fix: 'caisse' }]);
  });

  it('a cash deposit at the bank moves 530 to 512, and a new count of the emptied box matches', () => {
    const deposit = record('c2', '31', '2025-06-16', 'Dépôt des espèces à la banque', [
      { account: '512', debit: 8765 },
      { account: '530', credit: 8765 },
    ]);
    const { state } = run([
      kermesse,
      { type: 'CountCash', countId: 'k1', date: '2025-06-15', counts },
      deposit,
      { type: 'CountCash', countId: 'k2', date: '2025-06-16', counts: {} },
    ]);
    expect(balances(state, env)).toMatchObject({ bank: 8765, cash: 0 });
    expect(resultOf(state, env.chart)).toBe(8765);
    expect(yearWarnings(state, env)).toEqual([]);
  });

  it('refuses unknown denominations and negative counts', () => {
    expect(() => run([{ type: 'CountCash', countId: 'k1', date: '2025-06-15', counts: { '300': 1, '100': -2 } }])).toThrow(
      expect.objectContaining({
        errors: [
          expect.objectContaining({ code: 'CASH_COUNT_INVALID', field: 'counts.100' }),
          expect.objectContaining({ code: 'CASH_COUNT_INVALID', field: 'counts.300' }),
        ],
      }),
    );
    expect(() => run([{ type: 'CountCash', countId: 'k1', date: '2024-06-15', counts }])).toThrow(expect.objectContaining({ code: 'DATE_OUTSIDE_YEAR' }));
  });
});
