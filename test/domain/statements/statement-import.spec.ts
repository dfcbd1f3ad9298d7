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
