import { performance } from 'node:perf_hooks';
import { defaultChart } from '../src/domain/chart';
import { type MatchCandidate, proposeMatches, readStatementFile } from '../src/domain/statements';
import { BANK } from '../src/domain/chart';
import { decide, foldLedger, initialLedgerState, type LedgerCommand, type LedgerEnv, type LedgerState } from '../src/domain/ledger';
import { netOn } from '../src/domain/net-amount';
import { formatAmount } from '../src/domain/money';
import { type WorstFormat, worstStatement } from './worst-statements';

const YEAR = 2024;
const env: LedgerEnv = {
  coopId: 'BENCH',
  year: YEAR,
  department: '14',
  today: '2025-06-30',
  chart: defaultChart('14', YEAR),
  firstYear: YEAR,
  earlierYears: [],
};

const day = (n: number): string => new Date(Date.UTC(YEAR, 8, 1 + (n % 300))).toISOString().slice(0, 10);
const frenchDay = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function run(state: LedgerState, command: LedgerCommand): LedgerState {
  return foldLedger(state, decide(command, state, env));
}

/** A 500-entry year on the bank, and the bank's 1,000-line CSV: one line per entry, 500 the books do not hold. */
function fixture(): { state: LedgerState; csv: Buffer } {
  let state = run(initialLedgerState('BENCH', YEAR), { type: 'DeclareOpeningBalance', bank: 100000, cash: 0 });
  const rows = ['Relevé de compte;;;', 'Compte n° 00012345678;;;', ';;;', 'Date;Libellé;Débit;Crédit'];
  for (let i = 0; i < 500; i++) {
    const amount = 500 + ((i * 7919) % 40000);
    const receipt = i % 3 === 0;
    const date = day(i);
    state = run(state, {
      type: 'RecordEntry',
      entryId: `e${i}`,
      entry: {
        pj: String(i + 1),
        date,
        label: receipt ? `Familles – participation ${i}` : `Fournisseur ${i} – Facture n°${1000 + i}`,
        chequeNo: receipt ? null : String(1_568_000 + i),
        actionA: null,
        actionB: null,
        lines: receipt
          ? [
              { account: '512', debit: amount },
              { account: '7560', credit: amount },
            ]
          : [
              { account: '6181', debit: amount },
              { account: '512', credit: amount },
            ],
      },
    });
    const lineDate = frenchDay(day(i + 3));
    rows.push(receipt ? `${lineDate};VIR FAMILLES ${i};;${formatAmount(amount)}` : `${lineDate};CHEQUE N° ${1_568_000 + i};${formatAmount(amount)};`);
  }
  for (let i = 0; i < 500; i++) rows.push(`${frenchDay(day(i + 5))};CB ACHAT DIVERS ${i};${formatAmount(137 + i)};`);
  rows.push(`Solde au 30/06/2025;;;1 000,00`);
  return { state, csv: Buffer.from(rows.join('\r\n'), 'utf8') };
}

/**
 * Importing a 1,000-line statement and matching it against a 500-entry year, on the command
 * side's own functions: the file read, the ImportStatement decision and fold, the proposals, the
 * MatchStatementLines decision confirming them all and its fold. Median of `runs`.
 */
export function statementImportFigure(runs = 5): { importMatchMs: number; parseMs: number; matched: number } {
  const { state, csv } = fixture();
  const totals: number[] = [];
  const parses: number[] = [];
  let matched = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const parsed = readStatementFile(csv);
    parses.push(performance.now() - started);
    const statementId = `s${r}`;
    let year = run(state, {
      type: 'ImportStatement',
      statementId,
      date: parsed.date,
      closingBalance: parsed.closingBalance,
      file: { sha256: '0'.repeat(64), fileName: 'releve.csv', size: csv.length, format: 'csv' },
      lines: parsed.lines,
    });
    const statement = year.statements[statementId];
    const candidates: MatchCandidate[] = Object.values(year.entries)
      .filter((e) => !e.deleted && !e.reconciled)
      .map((e) => ({
        entryId: e.entryId,
        date: e.content.date,
        label: e.content.label,
        amount: netOn(e.content.lines, BANK),
        chequeNo: e.content.chequeNo,
      }));
    const proposals = proposeMatches(statement.lines, candidates);
    year = run(year, { type: 'MatchStatementLines', statementId, matches: proposals });
    totals.push(performance.now() - started);
    matched = Object.keys(year.lineMatches).length;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { importMatchMs: median(totals), parseMs: median(parses), matched };
}

/** The time to read the largest accepted file of a format (bench/worst-statements.ts). */
export function worstStatementFigure(format: WorstFormat): { ms: number; bytes: number; operations: number } {
  const bytes = worstStatement(format);
  const started = performance.now();
  const parsed = readStatementFile(bytes);
  return { ms: performance.now() - started, bytes: bytes.length, operations: parsed.lines.length };
}
