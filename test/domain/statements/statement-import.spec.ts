import { type LedgerEvent } from '../../../src/events/ledger-events';
import { ledgerSpec, opened } from '../ledger-fixtures';

/** Issue #24 point 12: a statement line's label follows the entries' rule for text. */
describe('importing a statement', () => {
  const file = { sha256: 'a'.repeat(64), fileName: 'releve.csv', size: 100, format: 'csv' as const };
  const importing = (label: string) => ({
    type: 'ImportStatement' as const,
    statementId: 's1',
    date: '2024-10-31',
    closingBalance: 1000,
    file,
    lines: [{ date: '2024-10-02', label, amount: -500, chequeNo: null, reference: null }],
  });

  it('given a label with bidirectional overrides and a tab, then the line keeps the label as an entry would (overrides gone, the tab a space)', () => {
    ledgerSpec
      .given([opened])
      .when(importing('CB \u202eSIOJAV\u202c\tLIBRAIRIE\u2066X\u2069'))
      .thenEvents((events: LedgerEvent[]) => {
        const imported = events[0] as Extract<LedgerEvent, { type: 'StatementImported' }>;
        expect(imported.data.lines[0].label).toBe('CB SIOJAV LIBRAIRIEX');
      });
  });

  it('given the same file already imported, then STATEMENT_ALREADY_IMPORTED: one statement, never an empty copy', () => {
    const first: LedgerEvent = {
      type: 'StatementImported',
      data: { statementId: 's0', date: '2024-10-31', closingBalance: 1000, file, lines: [], duplicates: 0, outsideYear: 0 },
    };
    const error = ledgerSpec.given([opened, first]).when(importing('CB X')).thenThrows('STATEMENT_ALREADY_IMPORTED');
    expect(error).toMatchObject({ kind: 'conflict', field: 'file', message: "Ce fichier est déjà importé : c'est le relevé du 31/10/2024." });
  });
});

/** Issue #29 point 4: a line already imported in any format is the same line; a statement goes until one of its lines is matched. */
describe('the same bank line, whatever the file', () => {
  const csv = { sha256: 'c'.repeat(64), fileName: 'releve-2024-10.csv', size: 300, format: 'csv' as const };
  const ofx = { sha256: 'd'.repeat(64), fileName: 'releve-2024-10.ofx', size: 900, format: 'ofx' as const };
  const october: LedgerEvent = {
    type: 'StatementImported',
    data: {
      statementId: 'csv',
      date: '2024-10-31',
      closingBalance: 20000,
      file: csv,
      lines: [
        { lineId: 'L1', date: '2024-10-04', label: 'VIR MAIRIE DE CAEN', amount: 30000, chequeNo: null, reference: null },
        { lineId: 'L2', date: '2024-10-12', label: 'CHEQUE N° 0000123', amount: -4500, chequeNo: '0000123', reference: null },
        { lineId: 'L3', date: '2024-10-20', label: 'CB LIBRAIRIE', amount: -500, chequeNo: null, reference: null },
        { lineId: 'L4', date: '2024-10-20', label: 'CB LIBRAIRIE', amount: -500, chequeNo: null, reference: null },
      ],
      duplicates: 0,
      outsideYear: 0,
    },
  };
  const importing = (file: typeof ofx, lines: Array<{ date: string; label: string; amount: number; chequeNo?: string | null; reference?: string | null }>) => ({
    type: 'ImportStatement' as const,
    statementId: 'ofx',
    date: '2024-10-31',
    closingBalance: 20000,
    file,
    lines: lines.map((l) => ({ chequeNo: null, reference: null, ...l })),
  });

  it('given October imported as CSV, when the OFX of October brings the same operations (the bank ids, NAME + MEMO, CHECKNUM) and one more, then only that one is new', () => {
    ledgerSpec
      .given([opened, october])
      .when(
        importing(ofx, [
          { date: '2024-10-04', label: 'VIR MAIRIE DE CAEN SUBVENTION SORTIES', amount: 30000, reference: 'FIT-1' },
          { date: '2024-10-12', label: 'CHEQUE 123', amount: -4500, chequeNo: '123', reference: 'FIT-2' },
          { date: '2024-10-20', label: 'CB LIBRAIRIE', amount: -500, reference: 'FIT-3' },
          { date: '2024-10-20', label: 'CB LIBRAIRIE', amount: -500, reference: 'FIT-4' },
          { date: '2024-10-20', label: 'CB LIBRAIRIE', amount: -500, reference: 'FIT-5' },
        ]),
      )
      .thenEvents((events) => {
        const imported = events[0] as Extract<LedgerEvent, { type: 'StatementImported' }>;
        expect(imported.data.lines.map((l) => l.reference)).toEqual(['FIT-5']);
        expect(imported.data.duplicates).toBe(4);
      });
  });

  it('given October imported, when a file brings only its operations again, then STATEMENT_ALREADY_IMPORTED naming the statement, never an empty "0 lignes" statement', () => {
    const error = ledgerSpec
      .given([opened, october])
      .when(importing(ofx, [{ date: '2024-10-04', label: 'VIR MAIRIE DE CAEN', amount: 30000, reference: 'FIT-1' }]))
      .thenThrows('STATEMENT_ALREADY_IMPORTED');
    expect(error).toMatchObject({
      kind: 'conflict',
      message: "Toutes les opérations de ce fichier sont déjà importées (relevé du 31/10/2024) : aucun relevé n'est ajouté.",
    });
  });

  it('given a line of another day, amount or label, then it is another operation', () => {
    ledgerSpec
      .given([opened, october])
      .when(
        importing(ofx, [
          { date: '2024-10-05', label: 'VIR MAIRIE DE CAEN', amount: 30000 },
          { date: '2024-10-04', label: 'VIR MAIRIE DE CAEN', amount: 30001 },
          { date: '2024-10-04', label: 'VIR APE', amount: 30000 },
        ]),
      )
      .thenEvents((events) => expect((events[0] as Extract<LedgerEvent, { type: 'StatementImported' }>).data.lines).toHaveLength(3));
  });

  it('given a statement none of whose lines is matched, when deleted, then StatementDeleted and its lines can be imported again', () => {
    ledgerSpec
      .given([opened, october])
      .when({ type: 'DeleteStatement', statementId: 'csv' })
      .then([{ type: 'StatementDeleted', data: { statementId: 'csv' } }]);
    ledgerSpec
      .given([opened, october, { type: 'StatementDeleted', data: { statementId: 'csv' } }])
      .when(importing(ofx, [{ date: '2024-10-04', label: 'VIR MAIRIE DE CAEN', amount: 30000, reference: 'FIT-1' }]))
      .thenEvents((events) => expect((events[0] as Extract<LedgerEvent, { type: 'StatementImported' }>).data.lines).toHaveLength(1));
  });

  it('given a line of the statement matched, when deleted, then STATEMENT_MATCHED with the reason', () => {
    const recorded: LedgerEvent = {
      type: 'EntryRecorded',
      data: {
        entryId: 'e1',
        pj: '01',
        date: '2024-10-03',
        label: 'Subvention mairie',
        chequeNo: null,
        actionA: null,
        actionB: null,
        lines: [
          { account: '512', debit: 30000 },
          { account: '7410', credit: 30000 },
        ],
      },
    };
    const matched: LedgerEvent = {
      type: 'EntryReconciled',
      data: { entryId: 'e1', statementDate: '2024-10-04', statementId: 'csv', lineId: 'L1', amount: 30000, clearedOn: '2024-10-04' },
    };
    const error = ledgerSpec.given([opened, october, recorded, matched]).when({ type: 'DeleteStatement', statementId: 'csv' }).thenThrows('STATEMENT_MATCHED');
    expect(error.message).toBe("Ce relevé ne peut plus être supprimé : 1 de ses lignes est pointée. Annulez d'abord leur pointage.");
  });

  it('given no such statement, when deleted, then STATEMENT_NOT_FOUND', () => {
    ledgerSpec.given([opened]).when({ type: 'DeleteStatement', statementId: 'nope' }).thenThrows('STATEMENT_NOT_FOUND');
  });
});
