import { type Chart } from '../domain/chart';
import { isInYear, yearEnd, yearStart } from '../domain/fiscal-year';
import { type Issue, type OpeningSource, type SubmissionFacts, submissionBlockers, submissionDueOn } from '../domain/ledger';
import { type BankReconciliation, type StatementBalance, bankReconciliationAt } from '../domain/statements/reconciliation';
import { type CoopDoc } from '../projections/coops.projection';
import { type InventoryRow } from '../projections/ledger/notebook.projection';
import { type NotebookDoc, type NotebookStatus } from './notebook-read';
import { type YearEndStatement, type YearFactsDoc } from '../projections/year-facts.projection';
import { quitusComplete, statementDocument, type SubmissionStatus, validDecisions } from './year-end-state';
import { bankBookOfNotebook } from './bank-statements';
import { registerOf } from './inventory';
import { type AdvanceRow, type CraView, type CrfView, craView, crfView } from './ledger-views';

/**
 * The état de rapprochement at 31 August (the statements' bankReconciliationAt), with the totals
 * the CRF prints. The statements recorded for the year give its statement balance; with none,
 * the block shows what the books know (book balance of 512, items not reconciled) and says so.
 */
export interface YearEndReconciliation extends BankReconciliation {
  statementRecorded: boolean;
  receiptsTotal: number;
  paymentsTotal: number;
  /** bookBalance − receipts + payments: what the statement should say. */
  expectedStatement: number;
}

/** The état de rapprochement at 31 August (or at `date`) from the year's statements (or those given). */
export function yearEndReconciliation(doc: NotebookDoc, statements?: readonly StatementBalance[], date = yearEnd(doc.year)): YearEndReconciliation {
  const book = bankBookOfNotebook(doc);
  const reconciliation = bankReconciliationAt(date, statements ? { ...book, statements } : book);
  const receiptsTotal = reconciliation.outstandingReceipts.reduce((s, i) => s + i.amount, 0);
  const paymentsTotal = reconciliation.outstandingPayments.reduce((s, i) => s + i.amount, 0);
  return {
    ...reconciliation,
    statementRecorded: reconciliation.statementDate !== null,
    receiptsTotal,
    paymentsTotal,
    expectedStatement: reconciliation.bookBalance - receiptsTotal + paymentsTotal,
  };
}

/**
 * The CRF's état de rapprochement: at 31 August once the year has its year-end statement (dated
 * in August) or is closed; on a provisional CRF made in the course of the year, at the date of
 * the last statement recorded, so that it names the statement it used and the book balance of
 * that day ("au 30/11/2026"), never a year's end still to come.
 */
export function crfReconciliation(doc: NotebookDoc, statements?: readonly StatementBalance[]): YearEndReconciliation {
  const atYearEnd = yearEndReconciliation(doc, statements);
  const { statementDate } = atYearEnd;
  const yearEndMonth = yearEnd(doc.year).slice(0, 7);
  if (doc.status === 'closed' || statementDate === null || statementDate.slice(0, 7) === yearEndMonth) return atYearEnd;
  return yearEndReconciliation(doc, statements, statementDate);
}

// ---- the CRF on OCCE's form ------------------------------------------------------------------

export interface Treasury {
  bank: number;
  cash: number;
  /** Advances (régies) paid and not yet returned nor explained: money of the coop held by a teacher. */
  advances: number;
  total: number;
}

const treasury = (bank: number, cash: number, advances: number): Treasury => ({ bank, cash, advances, total: bank + cash + advances });

/** Where the year starts from: the notebook's opening (the domain's openingOf), with the advances open then. */
export interface OpeningView extends Treasury {
  provisional: boolean;
  source: OpeningSource;
}

export function openingView(doc: NotebookDoc): OpeningView {
  const advances = doc.openAdvances.reduce((s, a) => s + a.amount, 0);
  return { ...treasury(doc.opening.bank, doc.opening.cash, advances), provisional: doc.opening.provisional, source: doc.opening.source };
}

export interface InventoryView {
  /** Still in the register at the year's end. */
  held: InventoryRow[];
  /** Acquired during the year. */
  acquired: InventoryRow[];
  /** Left the register during the year (sold, broken, given away). */
  left: InventoryRow[];
  heldValue: number;
}

/**
 * The register is the coop's, not the year's (DOMAIN.md, "Validated books"): goods of earlier
 * years' registers still held when this year began are held in it until they leave. A line's value
 * is what was paid for the line, its quantity included: never multiplied again.
 */
export function inventoryView(doc: NotebookDoc, earlier: readonly NotebookDoc[] = []): InventoryView {
  const start = yearStart(doc.year);
  const end = yearEnd(doc.year);
  const register = registerOf(doc, earlier);
  const held = register.filter((i) => !i.removed || (i.leftOn !== null && i.leftOn > end));
  return {
    held,
    acquired: register.filter((i) => isInYear(i.acquiredOn, doc.year)),
    left: register.filter((i) => i.removed && (i.leftOn === null || (i.leftOn >= start && i.leftOn <= end))),
    heldValue: held.reduce((s, i) => s + i.value, 0),
  };
}

export interface CrfQuitus {
  decisions: YearFactsDoc['decisions'];
  complete: boolean;
  /** No decision yet: the form prints empty boxes to sign on paper. */
  blank: boolean;
}

export interface OfficialCrf extends Omit<CrfView, 'status' | 'advances'> {
  /** "provisoire" while the year is open (or unlocked), "définitif" once closed. */
  status: 'provisoire' | 'définitif';
  /** The notebook's own status: open, closed or unlocked. */
  yearStatus: NotebookStatus;
  identity: {
    name: string;
    school: string | null;
    uai: string | null;
    /** The coop's number at the OCCE: its id here. */
    occeNumber: string;
    department: string;
    mandataires: string[];
  };
  treasury: { opening: OpeningView; closing: Treasury };
  bankReconciliation: YearEndReconciliation;
  advances: Array<AdvanceRow & { open: number }>;
  inventory: InventoryView;
  balanceSheet: { reservesOpening: number; result: number; reservesClosing: number };
  quitus: CrfQuitus;
  /** The submission this CRF is (as sent), or the one it would be. */
  version: number;
  /** Whether that version was sent to the AD (then: when). */
  sent: { on: string; status: string } | null;
  /** Hash of the year's stream head the CRF was made from. */
  chainHead: string;
  cra: CraView;
}

export interface CrfInputs {
  coop: CoopDoc;
  notebook: NotebookDoc;
  chart: Chart;
  yearEnd: YearFactsDoc;
  /** The coop's earlier years' notebooks, whose registers carry into this one (inventoryView). */
  earlier?: readonly NotebookDoc[];
  /** Rendering a version as sent (its documents folded up to its stream head). */
  asSent?: { version: number; on: string; status: string };
}

/** The Compte-Rendu Financier on OCCE's form: the page, the PDF and GET …/crf read this one model. */
export function officialCrf({ coop, notebook, chart, yearEnd: end, earlier = [], asSent }: CrfInputs): OfficialCrf {
  const { status: yearStatus, advances, ...base } = crfView(notebook, chart);
  const opening = openingView(notebook);
  const rows = advances.map((a) => ({ ...a, open: a.balance }));
  const closing = treasury(
    base.closing.bank,
    base.closing.cash,
    rows.reduce((s, a) => s + a.balance, 0),
  );
  const last = end.submissions.at(-1) ?? null;
  const current = last?.current ? last : null;
  const sent = asSent ?? (current ? { version: current.version, on: current.sentOn, status: current.status } : null);
  const decisions = end.decisions;
  return {
    ...base,
    opening: { ...base.opening, bank: opening.bank, cash: opening.cash },
    status: yearStatus === 'closed' ? 'définitif' : 'provisoire',
    yearStatus,
    identity: {
      name: coop.name,
      school: coop.school,
      uai: coop.uai,
      occeNumber: coop.coopId,
      department: coop.department,
      mandataires: [...coop.mandataires],
    },
    treasury: { opening, closing },
    bankReconciliation: crfReconciliation(notebook),
    advances: rows,
    inventory: inventoryView(notebook, earlier),
    balanceSheet: { reservesOpening: opening.total, result: base.result, reservesClosing: opening.total + base.result },
    quitus: { decisions, complete: quitusComplete(end), blank: decisions.length === 0 },
    version: sent ? sent.version : end.submissions.length + 1,
    sent: sent ? { on: sent.on, status: sent.status } : null,
    chainHead: notebook.headHash,
    cra: craView(notebook, chart),
  };
}

// ---- the coop's submission -------------------------------------------------------------------

/** The domain's SubmissionFacts from the read models, so the page lists what SubmitYear would refuse. */
export function submissionFactsFrom(end: YearFactsDoc, notebook: NotebookDoc): SubmissionFacts {
  const last = end.submissions.at(-1) ?? null;
  return {
    year: notebook.year,
    status: notebook.status,
    valid: validDecisions(end),
    statement: statementDocument(end) !== null,
    subsidies: notebook.subsidies,
    proven: end.documents.filter((d) => d.kind === 'subsidy' && d.subsidyIndex !== null).map((d) => d.subsidyIndex!),
    last: last ? { version: last.version, status: last.status, sentOn: last.sentOn, current: last.current } : null,
  };
}

export interface SubmissionView {
  dueOn: string;
  /** Past the due date with nothing accepted. */
  late: boolean;
  canSubmit: boolean;
  blockers: Issue[];
  /** Newest first. */
  versions: YearFactsDoc['submissions'];
  statements: YearFactsDoc['documents'];
  /** The statement imported from the bank's file that stands as the year-end statement, when none is attached. */
  importedStatement: YearEndStatement | null;
  /** One per row of the subsidies table, with its latest proof. */
  subsidies: Array<{ index: number; origin: string; amount: number; designation: string; proof: YearFactsDoc['documents'][number] | null }>;
}

export function submissionView(end: YearFactsDoc, notebook: NotebookDoc, day: string): SubmissionView {
  const blockers = submissionBlockers(submissionFactsFrom(end, notebook));
  const proofs = end.documents.filter((d) => d.kind === 'subsidy');
  return {
    dueOn: submissionDueOn(notebook.year),
    late: day > submissionDueOn(notebook.year) && !end.submissions.some((s) => s.status === 'accepted'),
    canSubmit: blockers.length === 0,
    blockers,
    versions: [...end.submissions].reverse(),
    statements: end.documents.filter((d) => d.kind === 'statement'),
    importedStatement: statementDocument(end)?.imported ?? null,
    subsidies: notebook.subsidies.map((row, index) => ({
      index,
      origin: row.origin,
      amount: row.amount,
      designation: row.designation,
      proof: proofs.filter((d) => d.subsidyIndex === index).at(-1) ?? null,
    })),
  };
}

// ---- what a year's pages and the board say of the year's end ---------------------------------

export interface YearEndNotices {
  /** Why this year's opening is provisional, in French; null when it is not. */
  openingProvisional: string | null;
  /** The previous year closed again with other balances after a correction: the opening before → after. */
  openingChange: { before: { bank: number; cash: number }; after: { bank: number; cash: number }; at: string } | null;
  /** The submission of this year to the AD, once there is one. */
  submission: { version: number; status: SubmissionStatus; reason: string | null; late: boolean; current: boolean } | null;
  /** One line for the department's board; null when there is nothing to flag. */
  flag: string | null;
}

const SUBMISSION_FLAGS: Record<string, string> = { submitted: 'Bilan envoyé', accepted: 'Bilan accepté', returned: 'Bilan renvoyé à la coopérative' };

/** The board's line for a coop's year: its submission, and an opening the previous year's correction moved. */
export function yearEndFlag(own: YearFactsDoc, previous: YearFactsDoc | null): string | null {
  const last = own.submissions.at(-1) ?? null;
  const flags: string[] = [];
  if (last) flags.push(last.current ? SUBMISSION_FLAGS[last.status] : `${SUBMISSION_FLAGS[last.status]} puis rouvert`);
  if (previous?.status === 'unlocked') flags.push('Ouverture provisoire (exercice précédent rouvert)');
  if (openingChangeOf(previous, null)) flags.push('Ouverture modifiée après correction de l’exercice précédent');
  return flags.length ? flags.join(' — ') : null;
}

/**
 * The previous year closed again with other balances: this year's opening before → after,
 * until the mandataire saw that opening (own.openingSeen: once).
 */
function openingChangeOf(previous: YearFactsDoc | null, own: YearFactsDoc | null): YearEndNotices['openingChange'] {
  const [before, after] = (previous?.closings ?? []).slice(-2);
  if (!before || !after || previous?.status !== 'closed' || (before.bank === after.bank && before.cash === after.cash)) return null;
  const seen = own?.openingSeen;
  if (seen && seen.bank === after.bank && seen.cash === after.cash) return null;
  return { before: { bank: before.bank, cash: before.cash }, after: { bank: after.bank, cash: after.cash }, at: after.at };
}

export function yearEndNotices(own: YearFactsDoc, previous: YearFactsDoc | null, notebook: NotebookDoc): YearEndNotices {
  const openingProvisional = !notebook.opening.provisional
    ? null
    : previous?.status === 'unlocked'
      ? "L'exercice précédent a été rouvert pour une correction : l'ouverture de cet exercice est provisoire."
      : "L'exercice précédent n'est pas clôturé : l'ouverture de cet exercice est provisoire, calculée sur ses soldes actuels.";
  const last = own.submissions.at(-1) ?? null;
  return {
    openingProvisional,
    openingChange: openingChangeOf(previous, own),
    submission: last ? { version: last.version, status: last.status, reason: last.reason, late: last.late, current: last.current } : null,
    flag: yearEndFlag(own, previous),
  };
}
