import {
  type ClosingFacts,
  type LedgerEnv,
  balances,
  closingChecklist,
  closingFactsOf,
  initialLedgerState,
  openingOf,
  warningsOf,
  yearWarnings,
} from '../../src/domain/ledger';
import { type DomainError } from '../../src/domain/errors';
import { type LedgerEvent, type YearClosed } from '../../src/events/ledger-events';
import {
  CLOSING_DAY,
  COOP,
  content,
  earlierYear,
  env,
  expense,
  fold,
  input,
  ledgerSpec,
  opened,
  receipt,
  recorded,
  reconciled,
  run,
  statement,
} from './ledger-fixtures';

/** Facts of a year with nothing to fix. */
const clean: ClosingFacts = {
  year: 2024,
  closed: false,
  previousYearClosed: true,
  openingMissing: false,
  unreconciled: 0,
  cashUsed: false,
  cashBalance: 0,
  lastCountTotal: null,
  subsidiesAccountTotal: 0,
  subsidiesTableTotal: 0,
  openAdvances: [],
  membershipTotal: 0,
  insuranceTotal: 0,
  durableGoodsAccount: '6800',
  durableGoodsWithoutInventory: [],
  bankUsed: false,
  lastBankMonth: null,
  lastStatement: null,
};
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('closing checklist', () => {
  it('lets a clean year close from 1 September after its end', () => {
    expect(closingChecklist(clean, CLOSING_DAY, 2024)).toEqual({ canClose: true, blockers: [], warnings: [], notes: [] });
    expect(closingChecklist(clean, '2025-09-01', 2024).canClose).toBe(true);
  });

  it('TOO_EARLY before 1 September', () => {
    const { canClose, blockers } = closingChecklist(clean, '2025-08-31', 2024);
    expect(canClose).toBe(false);
    expect(blockers).toEqual([{ code: 'TOO_EARLY', message: 'La clôture sera possible à partir du 01/09/2025.', fix: 'cloture' }]);
  });

  it('PREVIOUS_YEAR_OPEN while the previous year is not closed', () => {
    expect(codes(closingChecklist({ ...clean, previousYearClosed: false }, CLOSING_DAY, 2024).blockers)).toEqual(['PREVIOUS_YEAR_OPEN']);
  });

  it('UNRECONCILED_MANY above five unreconciled entries, not at five', () => {
    expect(closingChecklist({ ...clean, unreconciled: 5 }, CLOSING_DAY, 2024).canClose).toBe(true);
    const [blocker] = closingChecklist({ ...clean, unreconciled: 6 }, CLOSING_DAY, 2024).blockers;
    expect(blocker.code).toBe('UNRECONCILED_MANY');
    expect(blocker.message).toMatch(/^Il y a trop d'écritures non pointées/);
    expect(blocker.fix).toBe('pointage');
  });

  it('CASH_COUNT_MISMATCH when cash was used and never counted, or counted differently from 530', () => {
    expect(codes(closingChecklist({ ...clean, cashUsed: true, cashBalance: 0 }, CLOSING_DAY, 2024).blockers)).toEqual(['CASH_COUNT_MISMATCH']);
    const [blocker] = closingChecklist({ ...clean, cashUsed: true, cashBalance: 5000, lastCountTotal: 4850 }, CLOSING_DAY, 2024).blockers;
    expect(blocker.message).toBe("L'arrêté de caisse ne correspond pas avec le solde 530, la différence est de -1,50\u00a0€");
    expect(closingChecklist({ ...clean, cashUsed: true, cashBalance: 5000, lastCountTotal: 5000 }, CLOSING_DAY, 2024).canClose).toBe(true);
  });

  it('SUBSIDIES_UNJUSTIFIED when the table does not add up to 7410; congratulates when it does', () => {
    expect(codes(closingChecklist({ ...clean, subsidiesAccountTotal: 50000 }, CLOSING_DAY, 2024).blockers)).toEqual(['SUBSIDIES_UNJUSTIFIED']);
    const matching = closingChecklist({ ...clean, subsidiesAccountTotal: 50000, subsidiesTableTotal: 50000 }, CLOSING_DAY, 2024);
    expect(matching.canClose).toBe(true);
    expect(matching.notes.map((n) => n.message)).toEqual(['Bravo ! Le total des montants correspond au compte 741.']);
    expect(closingChecklist(clean, CLOSING_DAY, 2024).notes).toEqual([]);
  });

  it('REGIE_OPEN for each advance not settled, with its amount', () => {
    const { blockers } = closingChecklist(
      {
        ...clean,
        openAdvances: [
          { regie: 'CP-CE1', amount: 150000 },
          { regie: 'CM2', amount: 2500 },
        ],
      },
      CLOSING_DAY,
      2024,
    );
    expect(codes(blockers)).toEqual(['REGIE_OPEN', 'REGIE_OPEN']);
    expect(blockers[0].message).toMatch(/^La régie d'avance se monte actuellement à : 1\u202f500,00\u00a0€ \(CP-CE1\)/);
  });

  it('#29.7 an advance explained beyond what was paid: warned as soon as saved, and the closing says what to do (a complementary advance, or a correction)', () => {
    const overspent = { ...clean, openAdvances: [{ regie: 'CP-CE1', amount: -35000 }] };
    const advice =
      "La régie d'avance CP-CE1 est expliquée au-delà de ce qui a été versé : 350,00\u00a0€ de trop. Si le conseil de coopérative a voté une régie complémentaire, saisissez son versement ; sinon, corrigez l'explication des dépenses.";
    expect(warningsOf(overspent)).toEqual([{ code: 'REGIE_OVERSPENT', message: advice, fix: 'regies' }]);
    const { blockers, warnings } = closingChecklist(overspent, CLOSING_DAY, 2024);
    expect(blockers).toEqual([{ code: 'REGIE_OPEN', message: advice, fix: 'regies' }]);
    expect(warnings).toEqual([]);
    expect(blockers[0].message).not.toContain('Saisissez son retour ou ses dépenses');
  });

  it('lists every blocker at once, and keeps non-blocking warnings apart', () => {
    const checklist = closingChecklist(
      {
        ...clean,
        previousYearClosed: false,
        unreconciled: 9,
        cashUsed: true,
        subsidiesAccountTotal: 1,
        openAdvances: [{ regie: 'CP', amount: 1 }],
        membershipTotal: 21200,
      },
      '2025-06-01',
      2024,
    );
    expect(codes(checklist.blockers)).toEqual([
      'TOO_EARLY',
      'PREVIOUS_YEAR_OPEN',
      'UNRECONCILED_MANY',
      'CASH_COUNT_MISMATCH',
      'SUBSIDIES_UNJUSTIFIED',
      'REGIE_OPEN',
    ]);
    expect(codes(checklist.warnings)).toEqual(['COTISATION_ASSURANCE']);
  });

  it('a closed year cannot be closed again', () => {
    expect(codes(closingChecklist({ ...clean, closed: true }, CLOSING_DAY, 2024).blockers)).toEqual(['YEAR_CLOSED']);
  });
});

describe('the year-end statement', () => {
  const bankYear = [
    opened,
    receipt('e1', '01', 32000, '7070', '2025-08-12'),
    expense('e2', '02', 5000, '6181', '2025-08-20'),
    reconciled('e1', '2025-08-14', 32000),
  ];
  const blockers = (events: LedgerEvent[]) => closingChecklist(closingFactsOf(fold(events), env), CLOSING_DAY, 2024).blockers;

  it('BANK_STATEMENT_MISSING until a statement of August (the last month the bank moved) is there', () => {
    expect(blockers(bankYear)).toEqual([
      {
        code: 'BANK_STATEMENT_MISSING',
        message: "Le relevé bancaire de fin d'exercice manque : importez ou saisissez le relevé d'août 2025, avec son solde.",
        fix: 'releves',
      },
    ]);
    expect(codes(blockers([...bankYear, statement('2025-07-31', 0)]))).toEqual(['BANK_STATEMENT_MISSING']);
    expect(codes(blockers([...bankYear, statement('2025-08-31', 32000)]))).toEqual([]);
  });

  it('the last statement serves when the bank did not move after its month', () => {
    const june = [opened, receipt('e1', '01', 32000, '7070', '2025-06-12'), reconciled('e1', '2025-06-14', 32000)];
    expect(codes(blockers([...june, statement('2025-05-31', 0)]))).toEqual(['BANK_STATEMENT_MISSING']);
    expect(blockers([...june, statement('2025-05-31', 0)])[0].message).toBe(
      "Le relevé bancaire de fin d'exercice manque (le dernier saisi est celui du 31/05/2025) : importez ou saisissez le relevé de juin 2025, dernier mois où la banque a bougé, avec son solde.",
    );
    expect(codes(blockers([...june, statement('2025-06-30', 32000)]))).toEqual([]);
  });

  it('BANK_RECONCILIATION_DIFFERENCE when the état de rapprochement at that statement does not agree', () => {
    expect(blockers([...bankYear, statement('2025-08-31', 31000)])).toEqual([
      {
        code: 'BANK_RECONCILIATION_DIFFERENCE',
        message:
          "L'état de rapprochement au 31/08/2025 présente un écart de -10,00\u00a0€ entre le solde du relevé (310,00\u00a0€) et les comptes : pointez les opérations du relevé ou cherchez une écriture manquante.",
        fix: 'releves',
      },
    ]);
  });

  it('a coop without a bank account (no 512 movement, opening bank 0) needs neither', () => {
    const cashOnly = [
      recorded(
        'c1',
        content('01', '2024-10-01', 'Vente', [
          { account: '530', debit: 500 },
          { account: '7070', credit: 500 },
        ]),
      ),
    ];
    expect(codes(blockers(cashOnly))).not.toContain('BANK_STATEMENT_MISSING');
    expect(codes(closingChecklist(closingFactsOf(fold([opened]), env), CLOSING_DAY, 2024).blockers)).toEqual([]);
  });
});

describe('closing facts', () => {
  it('are small JSON drawn from the state', () => {
    const state = fold([
      receipt('e1', '01', 50000, '7410'),
      expense('e2', '02', 10000),
      reconciled('e2'),
      recorded(
        'e3',
        content('03', '2024-11-01', 'Kermesse', [
          { account: '530', debit: 4000 },
          { account: '7070', credit: 4000 },
        ]),
      ),
      { type: 'CashCounted', data: { countId: 'c1', date: '2024-11-02', counts: { '2000': 2 }, total: 4000 } },
      { type: 'SubsidiesDeclared', data: { rows: [{ origin: 'Mairie', amount: 50000, date: '2024-10-01', designation: 'Projets', attachedToExpenses: 0 }] } },
    ]);
    const facts = closingFactsOf(state, env);
    expect(facts).toEqual({
      ...clean,
      openingMissing: true,
      bankUsed: true,
      lastBankMonth: '2024-10',
      unreconciled: 1,
      cashUsed: true,
      cashBalance: 4000,
      lastCountTotal: 4000,
      subsidiesAccountTotal: 50000,
      subsidiesTableTotal: 50000,
    });
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });

  it('the last count is the latest by date', () => {
    const state = fold([
      { type: 'CashCounted', data: { countId: 'c2', date: '2025-03-01', counts: {}, total: 100 } },
      { type: 'CashCounted', data: { countId: 'c1', date: '2024-12-01', counts: {}, total: 200 } },
    ]);
    expect(closingFactsOf(state, env).lastCountTotal).toBe(100);
  });
});

describe('closing the year', () => {
  const opening: LedgerEvent = { type: 'OpeningBalanceDeclared', data: { bank: 140184, cash: 2350, date: '2024-09-01' } };
  const cheque = content(
    '05',
    '2024-09-20',
    'OCCE 14 – Cotisation et assurance',
    [
      { account: '6586', debit: 21200 },
      { account: '6168', debit: 2100 },
      { account: '512', credit: 23300 },
    ],
    { chequeNo: '1234567' },
  );

  it('refuses with CLOSING_BLOCKED (conflict) and the blockers, exactly when the checklist says so', () => {
    const error = ledgerSpec.given([opening]).when({ type: 'CloseYear' }).thenThrows('CLOSING_BLOCKED') as DomainError;
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe("La clôture de l'exercice 2024-2025 n'est pas possible : 3 points sont à régler.");
    expect(codes(error.details!.blockers as { code: string }[])).toEqual(['TOO_EARLY', 'CASH_COUNT_MISMATCH', 'BANK_STATEMENT_MISSING']);
  });

  it('records the closing balances, the result and the items still unreconciled', () => {
    ledgerSpec
      .given([
        opening,
        receipt('e1', '01', 32000, '7070', '2025-04-25'),
        recorded('e2', cheque),
        reconciled('e1'),
        { type: 'CashCounted', data: { countId: 'c1', date: '2025-08-31', counts: { '2000': 1, '200': 1, '100': 1, '50': 3 }, total: 2350 } },
        // The cheque of 23,00 is not on it yet.
        statement('2025-08-31', 140184 + 32000),
      ])
      .when({ type: 'CloseYear' }, { today: CLOSING_DAY })
      .then([
        {
          type: 'YearClosed',
          data: {
            closedOn: CLOSING_DAY,
            bank: 140184 + 32000 - 23300,
            cash: 2350,
            result: 32000 - 23300,
            openAdvances: [],
            unreconciled: [{ entryId: 'e2', pj: '05', date: '2024-09-20', label: 'OCCE 14 – Cotisation et assurance', chequeNo: '1234567', amount: -23300 }],
          },
        },
        // Closing validates the year's entries (PCG art. 420-5), on its date.
        { type: 'EntriesValidated', data: { validatedOn: CLOSING_DAY, entryIds: ['e1', 'e2'] } },
      ]);
  });

  it('takes a year from its opening to YearClosed, and opens the next year from it', () => {
    const { events, state } = run(
      [
        { type: 'DeclareOpeningBalance', bank: 140184, cash: 0 },
        {
          type: 'RecordEntry',
          entryId: 'e1',
          entry: input(
            '01',
            '2024-09-15',
            'Photos – vente',
            [
              { account: '512', debit: 32000 },
              { account: '7070', credit: 32000 },
            ],
            { actionA: 'Photos' },
          ),
        },
        { type: 'RecordEntry', entryId: 'e2', entry: input('02', '2024-09-20', 'OCCE 14', cheque.lines, { chequeNo: '1234567' }) },
        {
          type: 'RecordEntry',
          entryId: 'e3',
          entry: input('03', '2024-10-01', 'Mairie – subvention', [
            { account: '512', debit: 50000 },
            { account: '7410', credit: 50000 },
          ]),
        },
        {
          type: 'DeclareSubsidies',
          rows: [{ origin: 'Mairie', amount: 50000, date: '2024-10-01', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 }],
        },
        { type: 'ReconcileEntry', entryId: 'e1', statementDate: '2024-09-30' },
        { type: 'ReconcileEntry', entryId: 'e3', statementDate: '2024-10-31' },
        { type: 'DeclareStatement', statementId: 's08', date: '2025-08-31', closingBalance: 140184 + 32000 + 50000 },
        { type: 'CloseYear' },
      ],
      { today: CLOSING_DAY },
    );
    expect(events.map((e) => e.type)).toEqual([
      'OpeningBalanceDeclared',
      'EntryRecorded',
      'EntryRecorded',
      'EntryRecorded',
      'SubsidiesDeclared',
      'EntryReconciled',
      'EntryReconciled',
      'StatementDeclared',
      'YearClosed',
      'EntriesValidated',
    ]);
    expect(state.status).toBe('closed');
    const closing = state.closing as YearClosed;
    expect(closing).toMatchObject({ bank: 140184 + 32000 - 23300 + 50000, cash: 0, result: 32000 + 50000 - 23300, openAdvances: [] });
    expect(closing.unreconciled.map((i) => i.entryId)).toEqual(['e2']);

    // 2025 opens from 2024's closing: balances, and the cheque not yet cashed as a read-only item.
    const env2025: LedgerEnv = { ...env, year: 2025, earlierYears: [earlierYear(2024, closing)] };
    const next = initialLedgerState(COOP, 2025);
    expect(openingOf(env2025.earlierYears, next.opening)).toEqual({
      bank: closing.bank,
      cash: 0,
      openAdvances: [],
      carriedOver: closing.unreconciled,
      source: 'previous-year',
      provisional: false,
    });
    expect(balances(next, env2025).bank).toBe(closing.bank);
    expect(closingFactsOf(next, env2025).unreconciled).toBe(1);

    const seen = run(
      [
        { type: 'MarkCarriedOverItemSeen', entryId: 'e2', statementDate: '2025-09-30' },
        {
          type: 'RecordEntry',
          entryId: 'f1',
          entry: input('01', '2025-09-10', 'Vente', [
            { account: '512', debit: 1000 },
            { account: '7070', credit: 1000 },
          ]),
        },
      ],
      env2025,
    );
    expect(seen.events[0]).toEqual({
      type: 'CarriedOverItemSeen',
      data: { entryId: 'e2', statementDate: '2025-09-30', amount: -23300, clearedOn: '2025-09-30' },
    });
    // PJs restart in a new year, and the seen item no longer counts as unreconciled.
    expect(closingFactsOf(seen.state, env2025).unreconciled).toBe(1);
    expect(balances(seen.state, env2025).bank).toBe(closing.bank + 1000);
    // Marking again changes nothing; an unknown item is not found.
    expect(run([{ type: 'MarkCarriedOverItemSeen', entryId: 'e2' }], env2025, seen.events).events).toEqual(seen.events);
    expect(() => run([{ type: 'MarkCarriedOverItemSeen', entryId: 'e9' }], env2025)).toThrow(expect.objectContaining({ code: 'ENTRY_NOT_FOUND' }));
  });

  it('carries an item not seen during the next year into the year after', () => {
    const carried = { entryId: 'old', pj: '07', date: '2024-06-01', label: 'Chèque jamais encaissé', chequeNo: '42', amount: -1500 };
    const env2025: LedgerEnv = {
      ...env,
      year: 2025,
      today: '2026-09-01',
      earlierYears: [earlierYear(2024, { closedOn: '2025-09-02', bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [carried] })],
    };
    const { events } = run([{ type: 'CloseYear' }], env2025);
    expect(events).toEqual([{ type: 'YearClosed', data: { closedOn: '2026-09-01', bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [carried] } }]);
  });

  it('entries of a new year may be recorded while the previous one is open; closing waits for it', () => {
    const env2025: LedgerEnv = { ...env, year: 2025, today: '2026-09-02', earlierYears: [earlierYear(2024, null)] };
    const { state } = run(
      [
        {
          type: 'RecordEntry',
          entryId: 'f1',
          entry: input('01', '2025-09-10', 'Vente', [
            { account: '512', debit: 1000 },
            { account: '7070', credit: 1000 },
          ]),
        },
      ],
      env2025,
    );
    expect(openingOf(env2025.earlierYears, state.opening)).toMatchObject({ source: 'provisional', provisional: true });
    expect(() => run([{ type: 'CloseYear' }], env2025)).toThrow(
      expect.objectContaining({ code: 'CLOSING_BLOCKED', details: { blockers: [expect.objectContaining({ code: 'PREVIOUS_YEAR_OPEN' })] } }),
    );
  });

  it('the department unlocks a closed year for a correction and locks it again with the corrected figures', () => {
    const closed: LedgerEvent = {
      type: 'YearClosed',
      data: { closedOn: CLOSING_DAY, bank: 32000, cash: 0, result: 32000, openAdvances: [], unreconciled: [] },
    };
    const validated: LedgerEvent = { type: 'EntriesValidated', data: { validatedOn: CLOSING_DAY, entryIds: ['e1'] } };
    const given = [opened, receipt('e1', '01', 32000), reconciled('e1'), statement('2025-08-31', 32000), closed, validated];
    ledgerSpec
      .given(given)
      .when({ type: 'UnlockYear', reason: " Oubli d'une facture " })
      .then([{ type: 'YearUnlocked', data: { reason: "Oubli d'une facture" } }]);
    ledgerSpec.given(given).when({ type: 'UnlockYear', reason: '' }).thenThrows('REASON_REQUIRED');
    ledgerSpec.given([]).when({ type: 'UnlockYear', reason: 'x' }).thenThrows('YEAR_NOT_CLOSED');
    ledgerSpec.given(given).when({ type: 'LockYear' }).thenThrows('YEAR_NOT_UNLOCKED');

    const unlocked = [
      ...given,
      { type: 'YearUnlocked', data: { reason: 'Facture oubliée' } } as LedgerEvent,
      expense('e2', '02', 2000),
      reconciled('e2'),
      statement('2025-08-31', 30000, 's-corrected'),
    ];
    ledgerSpec.given(unlocked).when({ type: 'CloseYear' }, { today: CLOSING_DAY }).thenThrows('YEAR_UNLOCKED');
    ledgerSpec
      .given(unlocked)
      .when({ type: 'LockYear' }, { today: '2025-09-20' })
      .then([
        { type: 'YearLocked', data: { bank: 30000, cash: 0, result: 30000, openAdvances: [], unreconciled: [] } },
        // Locking again validates what the correction added, on its own date; e1 stays validated on the first closing's.
        { type: 'EntriesValidated', data: { validatedOn: '2025-09-20', entryIds: ['e2'] } },
      ]);
    const relocked = fold([...unlocked, { type: 'YearLocked', data: { bank: 30000, cash: 0, result: 30000, openAdvances: [], unreconciled: [] } }]);
    expect(relocked.status).toBe('closed');
    expect(relocked.closing).toEqual({ closedOn: CLOSING_DAY, bank: 30000, cash: 0, result: 30000, openAdvances: [], unreconciled: [] });
  });

  it('locking again obeys the closing rules', () => {
    const closed: LedgerEvent = { type: 'YearClosed', data: { closedOn: CLOSING_DAY, bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [] } };
    ledgerSpec
      .given([closed, { type: 'YearUnlocked', data: { reason: 'Subvention' } }, receipt('e1', '01', 50000, '7410'), reconciled('e1')])
      .when({ type: 'LockYear' }, { today: '2025-09-20' })
      .thenThrows('CLOSING_BLOCKED');
  });
});

describe('yearWarnings', () => {
  it('warns on more than five unreconciled entries, while recording stays possible', () => {
    const six = [1, 2, 3, 4, 5, 6].map((i) => receipt(`e${i}`, `0${i}`, 1000));
    expect(yearWarnings(fold(six.slice(0, 5)), env)).toEqual([]);
    const warnings = yearWarnings(fold(six), env);
    expect(warnings).toEqual([
      { code: 'UNRECONCILED_MANY', message: "Il y a trop d'écritures non pointées (6) : pointez-les d'après le relevé bancaire.", fix: 'pointage' },
    ]);
    ledgerSpec
      .given(six)
      .when({
        type: 'RecordEntry',
        entryId: 'e7',
        entry: input('07', '2024-10-01', 'Vente', [
          { account: '512', debit: 1 },
          { account: '7070', credit: 1 },
        ]),
      })
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('warns when the cash balance is negative (CASH_NEGATIVE) rather than refusing the entry', () => {
    const out = recorded(
      'e1',
      content('01', '2024-10-01', 'Achat en espèces', [
        { account: '6181', debit: 1200 },
        { account: '530', credit: 1200 },
      ]),
    );
    expect(codes(yearWarnings(fold([out]), env))).toEqual(['CASH_COUNT_MISMATCH', 'CASH_NEGATIVE']);
  });

  it('INVENTORY_MISSING for a durable good bought with no item bearing its PJ', () => {
    const camera = expense('e1', '045', 15000, '6800');
    const [warning] = yearWarnings(fold([camera]), env);
    expect(warning).toEqual({
      code: 'INVENTORY_MISSING',
      message: "Un achat de biens durables (compte 6800) n'est pas inscrit au cahier d'inventaire : la pièce 045.",
      fix: 'inventaire',
    });
    const item: LedgerEvent = {
      type: 'InventoryItemAdded',
      data: { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2024-10-02', quantity: 1, value: 15000, pj: '045' },
    };
    expect(yearWarnings(fold([camera, item]), env)).toEqual([]);
  });
});
