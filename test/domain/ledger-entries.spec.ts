import { type AccountRetired } from '../../src/events/coop-events';
import { chartOf } from '../../src/domain/chart-changes';
import { type LedgerCommand, MAX_ATTACHMENT_SIZE, balances, pjLookAlike } from '../../src/domain/ledger';
import { type LedgerEvent } from '../../src/events/ledger-events';
import { COOP, content, env, expense, fold, input, ledgerSpec, receipt, recorded, reconciled } from './ledger-fixtures';

const photos = content(
  '020',
  '2025-04-25',
  'Ventes de photos scolaires aux familles',
  [
    { account: '512', debit: 32000 },
    { account: '7070', credit: 32000 },
  ],
  { actionA: 'Photos' },
);

describe('recording an entry', () => {
  it('records a balanced entry with its content normalized', () => {
    ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: input(' 020 ', '25/04/2025', ' Ventes de photos scolaires aux familles ', photos.lines, { actionA: 'Photos', chequeNo: '', actionB: '  ' }),
      })
      .then([recorded('e1', photos)]);
  });

  it('keeps the entry it was duplicated from', () => {
    ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos }, duplicatedFrom: 'e1' })
      .then([{ type: 'EntryRecorded', data: { entryId: 'e2', ...photos, duplicatedFrom: 'e1' } }]);
  });

  it('collects every missing field at once: PJ_REQUIRED, DATE_REQUIRED, LABEL_REQUIRED', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { pj: '', label: '   ', lines: photos.lines } })
      .thenThrows('PJ_REQUIRED');
    expect(error.kind).toBe('invalid');
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['PJ_REQUIRED', 'pj'],
      ['DATE_REQUIRED', 'date'],
      ['LABEL_REQUIRED', 'label'],
    ]);
  });

  it('keeps a label as typed, but for control characters (spaces) and bidirectional overrides (dropped)', () => {
    ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, label: 'Ventes\tde photos\u202e scolaires\n' } })
      .then([{ type: 'EntryRecorded', data: { entryId: 'e1', ...photos, label: 'Ventes de photos scolaires' } }]);
  });

  it('refuses texts longer than a notebook line (TEXT_TOO_LONG), naming the field', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, label: 'x'.repeat(301), chequeNo: '1'.repeat(31) } })
      .thenThrows('TEXT_TOO_LONG');
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['TEXT_TOO_LONG', 'label'],
      ['TEXT_TOO_LONG', 'chequeNo'],
    ]);
    expect(error.errors![0].message).toBe('Le libellé ne peut dépasser 300 caractères (301 saisis).');
  });

  it('refuses a date that does not exist (DATE_REQUIRED)', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, date: '31/02/2025' } })
      .thenThrows('DATE_REQUIRED');
    expect(error.message).toBe("La date « 31/02/2025 » n'est pas une date valide (jj/mm/aaaa).");
  });

  it("refuses a date before the year with the guide's sentence (DATE_OUTSIDE_YEAR)", () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, date: '2024-08-31' } })
      .thenThrows('DATE_OUTSIDE_YEAR');
    expect(error.message).toBe("Cette écriture précède la date de début de l'exercice");
    expect(error.field).toBe('date');
  });

  it('refuses a date after the year (DATE_OUTSIDE_YEAR)', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, date: '2025-09-01' } })
      .thenThrows('DATE_OUTSIDE_YEAR');
    expect(error.message).toBe("Cette écriture dépasse la date de fin de l'exercice");
  });

  it('accepts the first and the last day of the year', () => {
    for (const date of ['2024-09-01', '2025-08-31']) {
      ledgerSpec
        .given([])
        .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, date } })
        .then([recorded('e1', { ...photos, date })]);
    }
  });

  it('refuses a PJ already used in the year (PJ_DUPLICATE)', () => {
    const error = ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos } })
      .thenThrows('PJ_DUPLICATE');
    expect(error.message).toBe('Le n° de PJ « 020 » est déjà utilisé dans cet exercice.');
    expect(error.field).toBe('pj');
  });

  it('refuses a second entry with a PJ named like an object property ("__proto__", "constructor"…): user text is never a plain key', () => {
    for (const pj of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      ledgerSpec
        .given([])
        .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, pj } })
        .then([recorded('e1', { ...photos, pj })]);
      const error = ledgerSpec
        .given([recorded('e1', { ...photos, pj })])
        .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos, pj } })
        .thenThrows('PJ_DUPLICATE');
      expect(error.message).toBe(`Le n° de PJ « ${pj} » est déjà utilisé dans cet exercice.`);
      // Deleted, its PJ is free again.
      ledgerSpec
        .given([recorded('e1', { ...photos, pj }), { type: 'EntryDeleted', data: { entryId: 'e1', previous: { ...photos, pj } } }])
        .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos, pj } })
        .then([recorded('e2', { ...photos, pj })]);
    }
  });

  it('frees the PJ of a deleted entry', () => {
    ledgerSpec
      .given([recorded('e1', photos), { type: 'EntryDeleted', data: { entryId: 'e1', previous: photos } }])
      .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos } })
      .then([recorded('e2', photos)]);
  });

  it('refuses an unbalanced entry and gives the difference in French (ENTRY_UNBALANCED)', () => {
    const error = ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: {
          ...photos,
          lines: [
            { account: '512', debit: 32000 },
            { account: '7070', credit: 30766 },
          ],
        },
      })
      .thenThrows('ENTRY_UNBALANCED');
    expect(error.message).toBe("L'écriture n'est pas équilibrée : les débits dépassent les crédits de 12,34\u00a0€.");
    expect(error.field).toBe('lines');
  });

  it('refuses an entry without lines (ENTRY_UNBALANCED)', () => {
    ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, lines: [] } })
      .thenThrows('ENTRY_UNBALANCED');
    ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, lines: 'nope' } })
      .thenThrows('ENTRY_UNBALANCED');
  });

  it('refuses an unknown account, naming the line (UNKNOWN_ACCOUNT)', () => {
    const error = ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: {
          ...photos,
          lines: [
            { account: '512', debit: 100 },
            { account: '9999', credit: 100 },
          ],
        },
      })
      .thenThrows('UNKNOWN_ACCOUNT');
    expect(error.field).toBe('lines.1.account');
    expect(error.message).toBe("Le compte « 9999 » n'existe pas dans le plan comptable.");
  });

  it('refuses an account the department retired for the year (UNKNOWN_ACCOUNT)', () => {
    const retired: { type: 'AccountRetired'; data: AccountRetired } = { type: 'AccountRetired', data: { account: '7070' } };
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos } }, { chart: chartOf('14', 2024, [retired]) })
      .thenThrows('UNKNOWN_ACCOUNT');
    expect(error.message).toBe("Le compte 7070 (Ventes d'objets) n'est plus utilisé pour cet exercice.");
  });

  it('lets an entry already on a retired account be amended without moving it', () => {
    const chart = chartOf('14', 2024, [{ type: 'AccountRetired', data: { account: '7070' } }]);
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos, label: 'Photos de classe' } }, { chart })
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['EntryAmended']));
  });

  it.each([
    ['a negative amount', { account: '512', debit: -32000 }, 'lines.0.debit'],
    ['euros as a float', { account: '512', debit: 320.5 }, 'lines.0.debit'],
    ['text', { account: '512', debit: '320,00' }, 'lines.0.debit'],
    ['an unsafe integer', { account: '512', debit: 2 ** 53 }, 'lines.0.debit'],
    ['both debit and credit', { account: '512', debit: 32000, credit: 32000 }, 'lines.0'],
    ['neither debit nor credit', { account: '512' }, 'lines.0'],
    ['zero on both sides', { account: '512', debit: 0, credit: 0 }, 'lines.0'],
  ])('refuses %s (AMOUNT_INVALID)', (_, line, field) => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, lines: [line, { account: '7070', credit: 32000 }] } })
      .thenThrows('AMOUNT_INVALID');
    expect(error.errors!.find((e) => e.code === 'AMOUNT_INVALID')!.field).toBe(field);
  });

  it('takes an empty cell (0, null, "") on the other side as absent', () => {
    ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: {
          ...photos,
          lines: [
            { account: '512', debit: 32000, credit: 0 },
            { account: '7070', debit: null, credit: 32000 },
          ],
        },
      })
      .then([recorded('e1', photos)]);
  });

  it('requires a line on the advance account to name the advance (REGIE_REQUIRED)', () => {
    const error = ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: input('02', '2024-10-01', 'Régie', [
          { account: '4670', debit: 15000 },
          { account: '512', credit: 15000 },
        ]),
      })
      .thenThrows('REGIE_REQUIRED');
    expect(error.field).toBe('lines.0.regie');
  });

  it('drops an advance name written on a line of another account', () => {
    ledgerSpec
      .given([])
      .when({
        type: 'RecordEntry',
        entryId: 'e1',
        entry: {
          ...photos,
          lines: [
            { account: '512', debit: 32000, regie: 'CP' },
            { account: '7070', credit: 32000 },
          ],
        },
      })
      .then([recorded('e1', photos)]);
  });

  it('refuses an entry id already used (ENTRY_EXISTS)', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'RecordEntry', entryId: 'e1', entry: { ...photos, pj: '021' } })
      .thenThrows('ENTRY_EXISTS');
  });
});

describe('amending an entry', () => {
  const amended = { ...photos, label: 'Photos scolaires – familles' };

  it('records the new content with the content it replaces', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...amended }, expectedRevision: 1 })
      .then([{ type: 'EntryAmended', data: { entryId: 'e1', ...amended, previous: photos } }]);
  });

  it('counts revisions: 1 when recorded, +1 per amendment', () => {
    const state = fold([recorded('e1', photos), { type: 'EntryAmended', data: { entryId: 'e1', ...amended, previous: photos } }]);
    expect(state.entries.e1.revision).toBe(2);
    expect(state.entries.e1.content).toEqual(amended);
  });

  it('refuses a stale revision with the French sentence (STALE_REVISION, conflict)', () => {
    const error = ledgerSpec
      .given([recorded('e1', photos), { type: 'EntryAmended', data: { entryId: 'e1', ...amended, previous: photos } }])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos }, expectedRevision: 1 })
      .thenThrows('STALE_REVISION');
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe("Cette écriture a été modifiée entre-temps par quelqu'un d'autre (révision 2, vous aviez la révision 1). Rechargez la page.");
  });

  it("keeps its own PJ but may not take another live entry's", () => {
    ledgerSpec
      .given([recorded('e1', photos), receipt('e2', '021', 1000)])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos, pj: '021' } })
      .thenThrows('PJ_DUPLICATE');
  });

  it('changes nothing when the content is the same', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos } })
      .thenNothingHappens();
  });

  it('un-reconciles a reconciled entry whose bank amount changed', () => {
    const bigger = {
      ...photos,
      lines: [
        { account: '512', debit: 33000 },
        { account: '7070', credit: 33000 },
      ],
    };
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1', '2025-04-30')])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: bigger })
      .then([
        { type: 'EntryAmended', data: { entryId: 'e1', ...bigger, previous: photos } },
        { type: 'EntryUnreconciled', data: { entryId: 'e1', amount: 32000, clearedOn: '2025-04-30' } },
      ]);
  });

  it('un-reconciles a reconciled entry whose date moves after the statement that showed it', () => {
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1', '2025-04-30')])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos, date: '2025-05-02' } })
      .then([
        { type: 'EntryAmended', data: { entryId: 'e1', ...photos, date: '2025-05-02', previous: photos } },
        { type: 'EntryUnreconciled', data: { entryId: 'e1', amount: 32000, clearedOn: '2025-04-30' } },
      ]);
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1', '2025-04-30')])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos, date: '2025-04-29' } })
      .then([{ type: 'EntryAmended', data: { entryId: 'e1', ...photos, date: '2025-04-29', previous: photos } }]);
  });

  it('refuses to delete a reconciled entry (ENTRY_RECONCILED: un-reconcile it first)', () => {
    const refused = ledgerSpec
      .given([recorded('e1', photos), reconciled('e1', '2025-04-30')])
      .when({ type: 'DeleteEntry', entryId: 'e1' })
      .thenThrows('ENTRY_RECONCILED');
    expect(refused).toMatchObject({ kind: 'conflict', message: "L'écriture 020 est pointée sur le relevé : dépointez-la d'abord pour la supprimer." });
  });

  it('keeps the reconciliation when only the label changed', () => {
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1')])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...amended } })
      .then([{ type: 'EntryAmended', data: { entryId: 'e1', ...amended, previous: photos } }]);
  });

  it('refuses an unknown or deleted entry (ENTRY_NOT_FOUND, not_found)', () => {
    expect(
      ledgerSpec
        .given([])
        .when({ type: 'AmendEntry', entryId: 'nope', entry: { ...photos } })
        .thenThrows('ENTRY_NOT_FOUND').kind,
    ).toBe('not_found');
    ledgerSpec
      .given([recorded('e1', photos), { type: 'EntryDeleted', data: { entryId: 'e1', previous: photos } }])
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos } })
      .thenThrows('ENTRY_NOT_FOUND');
  });
});

describe('deleting an entry', () => {
  it('records the deleted content; the entry stays in the state, flagged, and counts nowhere', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'DeleteEntry', entryId: 'e1', expectedRevision: 1 })
      .then([{ type: 'EntryDeleted', data: { entryId: 'e1', previous: photos } }]);
    const state = fold([recorded('e1', photos), { type: 'EntryDeleted', data: { entryId: 'e1', previous: photos } }]);
    expect(state.entries.e1.deleted).toBe(true);
    expect(state.pjs).toEqual({});
    expect(balances(state, env).bank).toBe(0);
  });

  it('refuses a stale revision (STALE_REVISION)', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'DeleteEntry', entryId: 'e1', expectedRevision: 3 })
      .thenThrows('STALE_REVISION');
  });

  it('refuses an entry already deleted (ENTRY_NOT_FOUND)', () => {
    ledgerSpec
      .given([recorded('e1', photos), { type: 'EntryDeleted', data: { entryId: 'e1', previous: photos } }])
      .when({ type: 'DeleteEntry', entryId: 'e1' })
      .thenThrows('ENTRY_NOT_FOUND');
  });
});

describe('duplicating an entry', () => {
  it('records the same content under a new PJ (and date, when given)', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'DuplicateEntry', entryId: 'e2', sourceEntryId: 'e1', pj: '021', date: '2025-05-02' })
      .then([{ type: 'EntryRecorded', data: { entryId: 'e2', ...photos, pj: '021', date: '2025-05-02', duplicatedFrom: 'e1' } }]);
  });

  it('#29.15 leaves the cheque number behind: a cheque is used once', () => {
    const byCheque = { ...photos, chequeNo: '1568960' };
    ledgerSpec
      .given([recorded('e1', byCheque)])
      .when({ type: 'DuplicateEntry', entryId: 'e2', sourceEntryId: 'e1', pj: '021' })
      .then([{ type: 'EntryRecorded', data: { entryId: 'e2', ...byCheque, pj: '021', chequeNo: null, duplicatedFrom: 'e1' } }]);
  });

  it("refuses the source's own PJ (PJ_DUPLICATE) and an unknown source (ENTRY_NOT_FOUND)", () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'DuplicateEntry', entryId: 'e2', sourceEntryId: 'e1', pj: '020' })
      .thenThrows('PJ_DUPLICATE');
    ledgerSpec.given([]).when({ type: 'DuplicateEntry', entryId: 'e2', sourceEntryId: 'e1', pj: '021' }).thenThrows('ENTRY_NOT_FOUND');
  });
});

describe('reconciling (pointage)', () => {
  it('reconciles and un-reconciles an entry touching the bank', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'ReconcileEntry', entryId: 'e1', statementDate: '2025-04-30' })
      .then([reconciled('e1', '2025-04-30', 32000)]);
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1')])
      .when({ type: 'UnreconcileEntry', entryId: 'e1' })
      .then([{ type: 'EntryUnreconciled', data: { entryId: 'e1', amount: 32000, clearedOn: photos.date } }]);
    const state = fold([recorded('e1', photos), reconciled('e1', '2025-04-30')]);
    expect(state.entries.e1).toMatchObject({ reconciled: true, statementDate: '2025-04-30', revision: 1 });
  });

  it('changes nothing when already in the asked state', () => {
    ledgerSpec
      .given([recorded('e1', photos), reconciled('e1')])
      .when({ type: 'ReconcileEntry', entryId: 'e1' })
      .thenNothingHappens();
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'UnreconcileEntry', entryId: 'e1' })
      .thenNothingHappens();
  });

  it('refuses an entry that does not touch the bank (NOT_A_BANK_ENTRY)', () => {
    const cash = content('03', '2024-10-01', 'Vente de gâteaux', [
      { account: '530', debit: 5000 },
      { account: '7070', credit: 5000 },
    ]);
    ledgerSpec
      .given([recorded('e1', cash)])
      .when({ type: 'ReconcileEntry', entryId: 'e1' })
      .thenThrows('NOT_A_BANK_ENTRY');
  });

  it('refuses a statement date that is not a date', () => {
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'ReconcileEntry', entryId: 'e1', statementDate: 'hier' })
      .thenThrows('DATE_REQUIRED');
  });

  it('refuses a statement older than the entry it would show (STATEMENT_BEFORE_ENTRY)', () => {
    const error = ledgerSpec
      .given([recorded('e1', photos)])
      .when({ type: 'ReconcileEntry', entryId: 'e1', statementDate: '1970-01-01' })
      .thenThrows('STATEMENT_BEFORE_ENTRY');
    expect(error.message).toBe(`Le relevé du 01/01/1970 précède l'écriture du ${photos.date.split('-').reverse().join('/')}.`);
    expect(error.field).toBe('statementDate');
  });
});

describe('opening balance ("Existence au début de l\'exercice")', () => {
  it('is declared once, in the first year, dated the first day by default', () => {
    ledgerSpec
      .given([])
      .when({ type: 'DeclareOpeningBalance', bank: 140184, cash: 2350 })
      .then([{ type: 'OpeningBalanceDeclared', data: { bank: 140184, cash: 2350, date: '2024-09-01' } }]);
    ledgerSpec
      .given([{ type: 'OpeningBalanceDeclared', data: { bank: 0, cash: 0, date: '2024-09-01' } }])
      .when({ type: 'DeclareOpeningBalance', bank: 1, cash: 0 })
      .thenThrows('OPENING_ALREADY_DECLARED');
  });

  it('is refused in a later year: the opening comes from the previous closing', () => {
    const error = ledgerSpec.given([]).when({ type: 'DeclareOpeningBalance', bank: 100, cash: 0 }, { firstYear: 2023 }).thenThrows('OPENING_NOT_FIRST_YEAR');
    expect(error.kind).toBe('conflict');
  });

  it('refuses negative or non-integer amounts (AMOUNT_INVALID) and a date outside the year', () => {
    const error = ledgerSpec.given([]).when({ type: 'DeclareOpeningBalance', bank: -1, cash: 12.5, date: '2024-01-01' }).thenThrows('AMOUNT_INVALID');
    expect(error.errors!.map((e) => e.field)).toEqual(['bank', 'cash', 'date']);
  });

  it('sets the opening of the balances', () => {
    const state = fold([
      { type: 'OpeningBalanceDeclared', data: { bank: 140184, cash: 2350, date: '2024-09-01' } },
      receipt('e1', '01', 32000),
      expense('e2', '02', 10000),
    ]);
    expect(balances(state, env)).toEqual({ opening: { bank: 140184, cash: 2350 }, bank: 140184 + 32000 - 10000, cash: 2350 });
  });
});

describe('a closed year (YEAR_CLOSED)', () => {
  const closed: LedgerEvent = { type: 'YearClosed', data: { closedOn: '2025-09-02', bank: 32000, cash: 0, result: 32000, openAdvances: [], unreconciled: [] } };
  const commands: LedgerCommand[] = [
    { type: 'DeclareOpeningBalance', bank: 0, cash: 0 },
    { type: 'RecordEntry', entryId: 'e2', entry: { ...photos, pj: '021' } },
    { type: 'AmendEntry', entryId: 'e1', entry: { ...photos, label: 'x' } },
    { type: 'DeleteEntry', entryId: 'e1' },
    { type: 'DuplicateEntry', entryId: 'e2', sourceEntryId: 'e1', pj: '021' },
    { type: 'ReconcileEntry', entryId: 'e1' },
    { type: 'UnreconcileEntry', entryId: 'e1' },
    { type: 'CountCash', countId: 'c1', date: '2025-08-31', counts: {} },
    { type: 'DeclareSubsidies', rows: [] },
    { type: 'AddInventoryItem', itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2025-01-10', quantity: 1, value: 15000 },
    { type: 'RemoveInventoryItem', itemId: 'i1' },
    { type: 'MarkCarriedOverItemSeen', entryId: 'old' },
    { type: 'AttachVoucher', entryId: 'e1', attachmentId: 'a1', sha256: 'a'.repeat(64), mediaType: 'application/pdf', size: 10, fileName: 'f.pdf' },
    { type: 'ReportActivity', activity: 'Photos', text: 'Photos de classe' },
    { type: 'CloseYear' },
  ];

  it.each(commands.map((c) => [c.type, c] as const))('refuses %s', (_, command) => {
    const error = ledgerSpec
      .given([recorded('e1', photos), closed])
      .when(command)
      .thenThrows('YEAR_CLOSED');
    expect(error.message).toBe("L'exercice 2024-2025 est clôturé : il ne peut plus être modifié.");
  });

  it('accepts changes again once the department unlocked it', () => {
    ledgerSpec
      .given([recorded('e1', photos), closed, { type: 'YearUnlocked', data: { reason: 'Erreur de PJ' } }])
      .when({ type: 'RecordEntry', entryId: 'e2', entry: { ...photos, pj: '021' } })
      .then([recorded('e2', { ...photos, pj: '021' })]);
  });
});

describe('inventory, vouchers, activities', () => {
  it('adds and removes an inventory item', () => {
    ledgerSpec
      .given([])
      .when({ type: 'AddInventoryItem', itemId: 'i1', designation: ' Appareil photo ', acquiredOn: '2025-01-10', quantity: 1, value: 15000, pj: '045' })
      .then([
        { type: 'InventoryItemAdded', data: { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2025-01-10', quantity: 1, value: 15000, pj: '045' } },
      ]);
    const added: LedgerEvent = {
      type: 'InventoryItemAdded',
      data: { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2025-01-10', quantity: 1, value: 15000, pj: null },
    };
    ledgerSpec
      .given([added])
      .when({ type: 'RemoveInventoryItem', itemId: 'i1', leftOn: '2025-06-01' })
      .then([{ type: 'InventoryItemRemoved', data: { itemId: 'i1', leftOn: '2025-06-01' } }]);
    ledgerSpec
      .given([added])
      .when({ type: 'AddInventoryItem', itemId: 'i1', designation: 'x', acquiredOn: '2025-01-10', quantity: 1, value: 1 })
      .thenThrows('ITEM_EXISTS');
    ledgerSpec.given([]).when({ type: 'RemoveInventoryItem', itemId: 'i1' }).thenThrows('ITEM_NOT_FOUND');
  });

  it('validates an inventory item field by field', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'AddInventoryItem', itemId: 'i1', designation: '', acquiredOn: '2025-09-01', quantity: 0, value: -5 })
      .thenThrows('LABEL_REQUIRED');
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['LABEL_REQUIRED', 'designation'],
      ['DATE_OUTSIDE_YEAR', 'acquiredOn'],
      ['QUANTITY_INVALID', 'quantity'],
      ['AMOUNT_INVALID', 'value'],
    ]);
  });

  it('attaches a voucher once, and refuses other types and sizes', () => {
    const attach = {
      type: 'AttachVoucher' as const,
      entryId: 'e1',
      attachmentId: 'a1',
      sha256: 'ab'.repeat(32),
      mediaType: 'application/pdf',
      size: 2048,
      fileName: 'facture.pdf',
    };
    const attached: LedgerEvent = {
      type: 'VoucherAttached',
      data: { entryId: 'e1', attachmentId: 'a1', sha256: 'ab'.repeat(32), mediaType: 'application/pdf', size: 2048, fileName: 'facture.pdf' },
    };
    ledgerSpec
      .given([recorded('e1', photos)])
      .when(attach)
      .then([attached]);
    ledgerSpec
      .given([recorded('e1', photos), attached])
      .when(attach)
      .thenNothingHappens();
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ ...attach, mediaType: 'text/html' })
      .thenThrows('ATTACHMENT_TYPE_REFUSED');
    ledgerSpec
      .given([recorded('e1', photos)])
      .when({ ...attach, size: MAX_ATTACHMENT_SIZE + 1 })
      .thenThrows('ATTACHMENT_TOO_LARGE');
    ledgerSpec.given([]).when(attach).thenThrows('ENTRY_NOT_FOUND');
    expect(fold([recorded('e1', photos), attached]).entries.e1.attachments).toEqual([
      { attachmentId: 'a1', sha256: 'ab'.repeat(32), mediaType: 'application/pdf', size: 2048, fileName: 'facture.pdf' },
    ]);
  });

  it('reports an activity for the CRA', () => {
    ledgerSpec
      .given([])
      .when({ type: 'ReportActivity', activity: 'Photos', text: 'Photos de classe en mai. ' })
      .then([{ type: 'ActivityReported', data: { activity: 'Photos', text: 'Photos de classe en mai.' } }]);
    ledgerSpec.given([]).when({ type: 'ReportActivity', activity: ' ', text: 'x' }).thenThrows('ACTIVITY_REQUIRED');
  });

  it('keeps an activity named "__proto__" like any other (its name is user text, never a plain key)', () => {
    const state = fold([{ type: 'ActivityReported', data: { activity: '__proto__', text: 'Chorale du printemps.' } }]);
    expect(Object.hasOwn(state.activities, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(state.activities, '__proto__')?.value).toBe('Chorale du printemps.');
    expect(Object.getPrototypeOf(state.activities)).toBe(Object.prototype);
  });
});

describe('idempotent commands', () => {
  it('a cash count already recorded under the same id changes nothing', () => {
    ledgerSpec
      .given([{ type: 'CashCounted', data: { countId: 'k1', date: '2025-01-31', counts: {}, total: 0 } }])
      .when({ type: 'CountCash', countId: 'k1', date: '2025-01-31', counts: { '100': 3 } })
      .thenNothingHappens();
  });
});

describe('state', () => {
  it('is plain JSON', () => {
    const state = fold([recorded('e1', photos), reconciled('e1')]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.coopId).toBe(COOP);
    expect(state.version).toBe(2);
  });
});

describe('a PJ like another but for leading zeros (#29.9)', () => {
  it('is found, not refused: "7" against "07", "007"; never itself or another number', () => {
    expect(pjLookAlike('7', ['06', '07'])).toBe('07');
    expect(pjLookAlike('007', ['7'])).toBe('7');
    expect(pjLookAlike('07', ['07'])).toBeNull();
    expect(pjLookAlike('70', ['07'])).toBeNull();
    expect(pjLookAlike('0', ['00'])).toBe('00');
  });
});
