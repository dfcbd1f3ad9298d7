import { worstStatement } from '../../../bench/worst-statements';
import { readStatementFile, STATEMENT_LIMITS, StatementFileError } from '../../../src/domain/statements';

/** Issue #24, points 1, 2, 8 and 12: what an attacker's file costs, and what it is answered. */
// What each file costs in time is measured by `npm run bench` (statements.worst_*), not asserted here.
function refusal(bytes: Buffer): { error: StatementFileError } {
  try {
    readStatementFile(bytes);
  } catch (error) {
    if (error instanceof StatementFileError) return { error };
    throw error;
  }
  throw new Error('the file was read');
}

const MiB = 1024 * 1024;

describe('a bank file is bounded before it is parsed (bytes, lines, columns, cells, elements, nesting)', () => {
  it('9 MiB of line breaks: refused as too large (413), at once', () => {
    const { error } = refusal(Buffer.alloc(9 * MiB, '\n'));
    expect(error).toMatchObject({ code: 'STATEMENT_TOO_LARGE', kind: 'too_large', field: 'file' });
    expect(error.message).toContain('plus de 25\u00a0000 lignes');
  });

  it('9 MiB of semicolons: refused for its columns, at once', () => {
    const { error } = refusal(Buffer.alloc(9 * MiB, ';'));
    expect(error).toMatchObject({ code: 'STATEMENT_UNREADABLE', kind: 'invalid' });
    expect(error.message).toBe(
      `Ligne 1 : plus de ${STATEMENT_LIMITS.csvColumns} colonnes : un relevé a une colonne par information (date, libellé, montant…).`,
    );
  });

  it('6 MiB after an unclosed quote: refused naming the quote, at once', () => {
    const { error } = refusal(Buffer.from(`Date;Libellé;Montant\n01/09/2025;"PAIEMENT ${'x;\n'.repeat(2 * MiB)}`));
    expect(error.message).toBe('Ligne 2 : guillemets mal fermés : une valeur entre guillemets doit se terminer par un guillemet.');
  });

  it('a header of 19,000 long column names: refused, at once', () => {
    const header = Array.from({ length: 19000 }, (_, i) => `Colonne numéro ${i} ${'n'.repeat(100)}`).join(';');
    const { error } = refusal(Buffer.from(`Date;Libellé;Montant;${header}\n01/09/2025;X;1,00\n`));
    expect(error.message).toContain('colonnes');
  });

  it('a cell longer than a label can be: refused', () => {
    const { error } = refusal(Buffer.from(`Date;Libellé;Montant\n01/09/2025;${'A'.repeat(STATEMENT_LIMITS.csvCell + 1)};1,00\n`));
    expect(error.message).toBe(`Ligne 2 : une valeur de plus de 1\u00a0000 caractères : ce n'est pas un relevé.`);
  });

  it('OFX 1 (SGML) aggregates nested 210 KB deep: refused at the nesting bound, at once', () => {
    const { error } = refusal(Buffer.from(`OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>\n${'<A>\n'.repeat(52000)}</OFX>\n`));
    expect(error.message).toContain(`plus de ${STATEMENT_LIMITS.xmlDepth} niveaux`);
  });

  it('XML nested past the bound, a DOCTYPE with an external entity, an entity bomb: 400 in French, never a parser error', () => {
    const nested = `<?xml version="1.0"?>\n<Document><BkToCstmrStmt>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</BkToCstmrStmt></Document>`;
    expect(refusal(Buffer.from(nested)).error.message).toContain('imbriquées sur plus de');
    const external = `<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document><BkToCstmrStmt><Stmt>&x;</Stmt></BkToCstmrStmt></Document>`;
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<OFX><BANKMSGSRSV1>&b;&b;&b;</BANKMSGSRSV1></OFX>`;
    for (const file of [external, bomb]) {
      const { error } = refusal(Buffer.from(file));
      expect(error).toMatchObject({ code: 'STATEMENT_UNREADABLE', kind: 'invalid' });
      expect(error.message).toContain('<!DOCTYPE>');
    }
  });

  it('more operations than a statement holds: refused as too large', () => {
    const { error } = refusal(worstStatement('ofx2', STATEMENT_LIMITS.operations + 1));
    expect(error).toMatchObject({ code: 'STATEMENT_TOO_LARGE', kind: 'too_large' });
  });
});

describe('parsing is linear: the largest accepted file of each format is read in seconds, not minutes', () => {
  // Before: an OFX 2 of 16,000 operations took 120–231 s, a CAMT.053 of 8,000 entries 24–28 s
  // (each operation's line was searched from the file's start). The bench times these files.
  it.each(['csv', 'ofx1', 'ofx2', 'camt053'] as const)(
    '%s at the operations bound, just under 10 MiB',
    (format) => {
      const bytes = worstStatement(format);
      const parsed = readStatementFile(bytes);
      expect(parsed.lines).toHaveLength(STATEMENT_LIMITS.operations);
      expect(parsed.lines[STATEMENT_LIMITS.operations - 1].sourceLine).toBeGreaterThan(STATEMENT_LIMITS.operations);
      expect(parsed.closingBalance).toBe(100000);
    },
    120_000,
  );
});

describe('a CSV whose label names a CAMT tag is still a CSV', () => {
  it('reads its lines as CSV', () => {
    const parsed = readStatementFile(Buffer.from('Date;Libellé;Montant\n01/09/2025;VIR <BkToCstmrStmt> TEST;-12,50\n'));
    expect(parsed.format).toBe('csv');
    expect(parsed.lines).toMatchObject([{ date: '2025-09-01', label: 'VIR <BkToCstmrStmt> TEST', amount: -1250 }]);
  });
});
