import { BANK } from '../domain/chart';
import { isInYear, yearEnd } from '../domain/fiscal-year';
import { formatEuros } from '../domain/money';
import {
  type BankBook,
  type BankItem,
  type BankReconciliation,
  type MatchCandidate,
  type Proposal,
  bankReconciliationAt,
  expectedStatementBalance,
  proposeMatches,
} from '../domain/statements';
import { type StatementLine } from '../events/ledger-events';
import { netOn } from '../domain/net-amount';
import { NOTEBOOK_STATEMENTS, type StatementLinesDoc, notebookStatementId } from '../projections/ledger/notebook.projection';
import { type Doc } from '../projections/read-store';
import { type NotebookDoc, type NotebookSource, type StatementSummary } from './notebook-read';

/** A statement of the year with its lines: what year_facts says of it (the notebook's view lists it) and its lines' document. */
export type Statement = Omit<StatementSummary, 'lines'> & Omit<StatementLinesDoc, 'id' | 'notebook' | 'appliedRevision'>;

/** The year's statement `statementId` with its lines; null when the year has no such statement. */
export async function readStatement(source: NotebookSource, notebook: NotebookDoc, statementId: string): Promise<Statement | null> {
  const summary = notebook.statements.find((s) => s.statementId === statementId);
  if (!summary) return null;
  const doc = await source.get<StatementLinesDoc & Doc>(NOTEBOOK_STATEMENTS, notebookStatementId(notebook.id, statementId));
  return { ...summary, lines: doc?.lines ?? [], duplicates: doc?.duplicates ?? 0, outsideYear: doc?.outsideYear ?? 0 };
}

/** The bank side of a year's notebook: what the état de rapprochement reads. */
export function bankBookOfNotebook(notebook: NotebookDoc): BankBook {
  const items: BankItem[] = notebook.carriedOver.map((c) => ({
    entryId: c.entryId,
    pj: c.pj,
    date: c.date,
    label: c.label,
    amount: c.amount,
    clearedOn: c.seen ? (c.statementDate ?? c.date) : null,
    carriedOver: true,
  }));
  for (const e of notebook.entries) {
    if (!e.lines.some((l) => l.account === BANK)) continue;
    const clearedOn = e.reconciled ? (e.clearedOn ?? e.statementDate ?? e.date) : null;
    items.push({ entryId: e.entryId, pj: e.pj, date: e.date, label: e.label, amount: netOn(e.lines, BANK), clearedOn, carriedOver: false });
  }
  return { openingBank: notebook.opening.bank, items, statements: notebook.statements ?? [] };
}

/**
 * The état de rapprochement of a coop's year at `date` (API.md's bank-reconciliation, the CRF's
 * block at 31 August): by default at the last statement's date, or the year's end (or today,
 * when sooner) when there is none yet.
 */
export function bankReconciliationOf(notebook: NotebookDoc, date: string | null, today: string): BankReconciliation {
  const statements = notebook.statements ?? [];
  const last = statements.reduce<string | null>((max, s) => (max === null || s.date > max ? s.date : max), null);
  const end = yearEnd(notebook.year);
  const at = date ?? last ?? (today < end && isInYear(today, notebook.year) ? today : end);
  return bankReconciliationAt(at, bankBookOfNotebook(notebook));
}

/**
 * The état de rapprochement as the page and its PDF show it: the figures, the totals of the items
 * outstanding, the balance the statement should show, whether it agrees, the statements to pick.
 */
export function bankReconciliationView(notebook: NotebookDoc, date: string | null, today: string) {
  const r = bankReconciliationOf(notebook, date, today);
  return {
    r,
    totalReceipts: r.outstandingReceipts.reduce((s, i) => s + i.amount, 0),
    totalPayments: r.outstandingPayments.reduce((s, i) => s + i.amount, 0),
    adjusted: expectedStatementBalance(r),
    agrees: r.difference === 0,
    statements: (notebook.statements ?? []).map((s) => ({ date: s.date, selected: s.date === r.date })),
  };
}
export type BankReconciliationView = ReturnType<typeof bankReconciliationView>;

/** The year's bank items no statement has shown yet: what a line may be matched with. */
export function matchCandidates(notebook: NotebookDoc): MatchCandidate[] {
  const candidates: MatchCandidate[] = notebook.carriedOver
    .filter((c) => !c.seen)
    .map((c) => ({ entryId: c.entryId, date: c.date, label: c.label, amount: c.amount, chequeNo: c.chequeNo }));
  for (const e of notebook.entries) {
    if (e.reconciled || !e.lines.some((l) => l.account === BANK)) continue;
    candidates.push({ entryId: e.entryId, date: e.date, label: e.label, amount: netOn(e.lines, BANK), chequeNo: e.chequeNo });
  }
  return candidates;
}

/** lineId → the entries (or carried-over items) it is matched with. */
export function lineMatchesOf(notebook: NotebookDoc): Map<string, string[]> {
  const matches = new Map<string, string[]>();
  const add = (lineId: string | null | undefined, entryId: string) => {
    if (lineId) matches.set(lineId, [...(matches.get(lineId) ?? []), entryId]);
  };
  for (const e of notebook.entries) if (e.reconciled) add(e.lineId, e.entryId);
  for (const c of notebook.carriedOver) if (c.seen) add(c.lineId, c.entryId);
  return matches;
}

/** Proposals for a statement's lines not matched yet, against the year's unreconciled bank items. */
export function statementProposals(notebook: NotebookDoc, statement: Statement): Proposal[] {
  const matched = lineMatchesOf(notebook);
  return proposeMatches(
    statement.lines.filter((l) => !matched.has(l.lineId)),
    matchCandidates(notebook),
  );
}

export type LineStatus = 'matched' | 'proposed' | 'unmatched';
export interface StatementLineView extends Omit<StatementLine, 'reference'> {
  reference: string | null;
  status: LineStatus;
  entryIds: string[];
}
export interface StatementView {
  statementId: string;
  date: string;
  closingBalance: number;
  file: Statement['file'];
  duplicates: number;
  outsideYear: number;
  lines: StatementLineView[];
}

/** API.md's statement detail: each line with its status and entries (the matched ones, or the proposed ones). */
export function statementView(notebook: NotebookDoc, statement: Statement): StatementView {
  const matched = lineMatchesOf(notebook);
  const proposed = new Map(statementProposals(notebook, statement).map((p) => [p.lineId, p.entryIds]));
  return {
    statementId: statement.statementId,
    date: statement.date,
    closingBalance: statement.closingBalance,
    file: statement.file,
    duplicates: statement.duplicates,
    outsideYear: statement.outsideYear,
    lines: statement.lines.map((line) => {
      const entries = matched.get(line.lineId);
      const proposal = proposed.get(line.lineId);
      return {
        ...line,
        status: entries ? 'matched' : proposal ? 'proposed' : 'unmatched',
        entryIds: entries ?? proposal ?? [],
      };
    }),
  };
}

/** API.md's statement list: each statement with its number of lines and of lines matched. */
export function statementList(notebook: NotebookDoc) {
  const matchedLines = new Map<string, Set<string>>();
  const add = (statementId: string | null | undefined, lineId: string | null | undefined) => {
    if (!statementId || !lineId) return;
    matchedLines.set(statementId, (matchedLines.get(statementId) ?? new Set()).add(lineId));
  };
  for (const e of notebook.entries) if (e.reconciled) add(e.statementId, e.lineId);
  for (const c of notebook.carriedOver) if (c.seen) add(c.statementId, c.lineId);
  // In date order (statements of one day in record order), whatever the order they were imported in.
  const byDate = [...(notebook.statements ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  return byDate.map((s) => ({
    statementId: s.statementId,
    date: s.date,
    closingBalance: s.closingBalance,
    lines: s.lines,
    matched: matchedLines.get(s.statementId)?.size ?? 0,
    file: s.file,
  }));
}

export interface PointageSummary {
  /** Bank (512) entries not pointed yet. */
  unreconciled: number;
  /** What they add up to, receipts and payments apart (positive cents). */
  receipts: number;
  payments: number;
  /** The cahier's sentence of it. */
  text: string;
}

/** The cahier's pointage totals: the year's bank entries not pointed yet, and what they add up to. */
export function pointageSummary(notebook: NotebookDoc): PointageSummary {
  let unreconciled = 0;
  let receipts = 0;
  let payments = 0;
  for (const e of notebook.entries) {
    if (e.reconciled || !e.lines.some((l) => l.account === BANK)) continue;
    const amount = netOn(e.lines, BANK);
    unreconciled++;
    if (amount > 0) receipts += amount;
    else payments -= amount;
  }
  const text =
    unreconciled === 0
      ? 'Toutes les écritures passées en banque sont pointées.'
      : `Non pointées : ${unreconciled} écriture${unreconciled > 1 ? 's' : ''} en banque — recettes ${formatEuros(receipts)}, dépenses ${formatEuros(payments)}.`;
  return { unreconciled, receipts, payments, text };
}
