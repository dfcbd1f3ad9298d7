import { StatementFileError } from './statement-file';

/**
 * What a school coop's bank file can hold, checked in one linear pass before any parser sees the
 * text: a month of a school coop is a few dozen operations, a year a few thousand. Beyond these
 * bounds a file is not a statement, and a parser given it could hold the server for minutes.
 */
export const STATEMENT_LIMITS = {
  /** Operations of one file (lines of the statement, not of the file). */
  operations: 20_000,
  /** Physical lines of a CSV file. */
  csvLines: 25_000,
  /** Columns of a CSV row. */
  csvColumns: 60,
  /** Characters of a CSV cell (a bank's label is at most a few hundred). */
  csvCell: 1_000,
  /** Elements (tags) of an OFX or CAMT.053 file. */
  xmlElements: 500_000,
  /** Nesting of an OFX or CAMT.053 file (CAMT.053 needs about 12). */
  xmlDepth: 40,
} as const;

const thousands = (n: number): string => n.toLocaleString('fr-FR').replace(/\s/g, '\u00a0');

/** A file beyond a size-like bound: 413, not a reading mistake. */
export class StatementTooLarge extends StatementFileError {
  constructor(detail: string) {
    super(null, detail, 'too_large');
    this.name = 'StatementTooLarge';
  }
}

/**
 * A CSV text's lines, columns and cells within STATEMENT_LIMITS (quotes followed, so a delimiter
 * or a line break inside a quoted label counts as text), before csv-parse reads it.
 */
export function checkCsvBounds(text: string, delimiter: string): void {
  const d = delimiter.charCodeAt(0);
  let lines = 1;
  let columns = 1;
  let cell = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    if (!quoted && c === 10 /* \n */) {
      if (++lines > STATEMENT_LIMITS.csvLines) {
        throw new StatementTooLarge(
          `Le fichier compte plus de ${thousands(STATEMENT_LIMITS.csvLines)} lignes : un relevé en a bien moins. Exportez une période plus courte.`,
        );
      }
      columns = 1;
      cell = 0;
      continue;
    }
    if (!quoted && c === d) {
      if (++columns > STATEMENT_LIMITS.csvColumns) {
        throw new StatementFileError(
          lines,
          `plus de ${STATEMENT_LIMITS.csvColumns} colonnes : un relevé a une colonne par information (date, libellé, montant…).`,
        );
      }
      cell = 0;
      continue;
    }
    if (c !== 13 && ++cell > STATEMENT_LIMITS.csvCell) {
      throw new StatementFileError(
        lines,
        quoted
          ? 'guillemets mal fermés : une valeur entre guillemets doit se terminer par un guillemet.'
          : `une valeur de plus de ${thousands(STATEMENT_LIMITS.csvCell)} caractères : ce n'est pas un relevé.`,
      );
    }
  }
}

/**
 * An XML (or OFX SGML) text's elements and nesting within STATEMENT_LIMITS, and no DOCTYPE: a
 * bank's file never declares one, and its entities are how XML files fetch or explode.
 * `sgml`: OFX 1.x leaves are not closed, so only aggregates nest (checked by the SGML reader).
 */
export function checkXmlBounds(text: string, sgml = false): void {
  let elements = 0;
  let depth = 0;
  let operations = 0;
  // The next '>' is found once for every '<' before it: a text of '<' without '>' stays linear.
  let end = -1;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
    if (end < i) end = text.indexOf('>', i) < 0 ? text.length : text.indexOf('>', i);
    const next = text.charCodeAt(i + 1);
    if (next === 33 /* ! */) {
      if (/^<!(DOCTYPE|ENTITY)/i.test(text.slice(i, i + 10))) {
        throw new StatementFileError(
          null,
          'Fichier refusé : il contient une déclaration <!DOCTYPE> ou <!ENTITY>, ce qu’un relevé de banque ne contient jamais.',
        );
      }
      continue;
    }
    if (next === 63 /* ? */) continue;
    if (next === 47 /* / */) {
      if (!sgml) depth--;
      continue;
    }
    if (++elements > STATEMENT_LIMITS.xmlElements) {
      throw new StatementTooLarge(
        `Le fichier compte plus de ${thousands(STATEMENT_LIMITS.xmlElements)} balises : un relevé en a bien moins. Exportez une période plus courte.`,
      );
    }
    const name = text.slice(i + 1, Math.min(end, i + 40)).split(/[\s/]/)[0];
    if (/^(\w+:)?Ntry$|^STMTTRN$/i.test(name)) {
      if (++operations > STATEMENT_LIMITS.operations) {
        throw new StatementTooLarge(`Le relevé compte plus de ${thousands(STATEMENT_LIMITS.operations)} opérations. Exportez une période plus courte.`);
      }
    }
    if (sgml) continue;
    const selfClosing = text.charCodeAt(end - 1) === 47;
    if (!selfClosing && ++depth > STATEMENT_LIMITS.xmlDepth) {
      throw new StatementFileError(
        null,
        `Fichier refusé : des balises imbriquées sur plus de ${STATEMENT_LIMITS.xmlDepth} niveaux, ce qu’un relevé de banque ne contient jamais.`,
      );
    }
  }
}
