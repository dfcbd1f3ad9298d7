import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../domain/errors';
import { type Clock, formatFrenchDate, today } from '../domain/fiscal-year';
import { submissionDueOn } from '../domain/ledger';
import { type CoopDoc } from '../projections/coops.projection';
import { type ReadStore } from '../projections/read-store';
import { type InvitationDelivery } from '../events/ledger-events';
import { QUITUS_CODES, type QuitusCodeDoc, YEAR_FACTS, type YearFactsDoc, emptyYearFacts, yearFactsId } from '../projections/year-facts.projection';
import { quitusComplete, reservesOf, statementDocument } from './year-end-state';
import { CLOCK, READ_STORE } from '../tokens';
import { type NotebookDoc } from './notebook-read';
import { earlierNotebooks } from './inventory';
import { type DocSource, LedgerReads, type YearReads } from './ledger-reads';
import { type CrfInputs, type OfficialCrf, officialCrf, yearEndFlag, type YearEndNotices, yearEndNotices } from './year-end-views';

/** GET …/quitus (API.md, "Year's end"). */
export interface QuitusView {
  invitations: Array<{
    invitationId: string;
    name: string;
    quality: string;
    invitedAt: string;
    expiresOn: string;
    used: boolean;
    expired: boolean;
    /** 'email': the code went to sentTo and only there; 'paper': the mandataire handed a letter over. */
    delivery: InvitationDelivery;
    sentTo: string | null;
  }>;
  decisions: Array<{ name: string; quality: string; decision: string; comment: string | null; at: string; chainHead: string; valid: boolean }>;
  complete: boolean;
}

/** A row of the department's submissions list. */
export interface SubmissionRow {
  coopId: string;
  name: string;
  status: 'missing' | 'submitted' | 'accepted' | 'returned';
  version: number | null;
  submittedAt: string | null;
  late: boolean;
  quitus: boolean;
  /** A valid decision "réserves" stands: the quitus counts, with these comments. */
  quitusReserves: boolean;
  reserves: Array<{ name: string; comment: string }>;
  statement: boolean;
  subsidyProofs: boolean;
  /** The returned version's reason. */
  reason: string | null;
  /** The year was unlocked after this version was sent: it no longer is the year as it stands. */
  reopened: boolean;
  /** Each invitation of the year and how its code reached the vérificateur (the AD sees which were on paper). */
  invitations: Array<{ name: string; quality: string; delivery: InvitationDelivery; used: boolean }>;
}

/** A file the coop sent with its dossier: an attached document, or the bank's file of an imported statement. */
export type SubmissionFile =
  | { source: 'document'; documentId: string; kind: 'statement' | 'subsidy'; subsidyIndex: number | null; fileName: string }
  | { source: 'statement'; statementId: string; kind: 'statement'; subsidyIndex: null; fileName: string };

export function submissionFiles(doc: YearFactsDoc): SubmissionFile[] {
  const statement = statementDocument(doc);
  const files: SubmissionFile[] = [];
  if (statement?.attached)
    files.push({ source: 'document', documentId: statement.attached.documentId, kind: 'statement', subsidyIndex: null, fileName: statement.attached.fileName });
  if (statement?.imported?.file)
    files.push({
      source: 'statement',
      statementId: statement.imported.statementId,
      kind: 'statement',
      subsidyIndex: null,
      fileName: statement.imported.file.fileName,
    });
  for (const d of doc.documents) {
    if (d.kind === 'subsidy') files.push({ source: 'document', documentId: d.documentId, kind: 'subsidy', subsidyIndex: d.subsidyIndex, fileName: d.fileName });
  }
  return files;
}

/** What is left to do on one year of the coop's, as its home says it (issue #29.3). */
export interface PendingYear {
  year: number;
  /** What is left, in order; the page links each to where it is done. */
  items: Array<{ what: 'correction' | 'quitus' | 'submission' | 'returned'; message: string; fix: 'cahier' | 'quitus' | 'depot' }>;
}

/**
 * The year's end still to do on a closed (or reopened) year: a reopening to correct, a quitus to
 * gather, a dossier to send (late after its due date) or to send again after the AD returned it.
 * A year still open says so elsewhere (its closing comes first); an accepted or pending dossier is done.
 */
export function pendingYear(doc: YearFactsDoc, day: string): PendingYear {
  const items: PendingYear['items'] = [];
  const name = `${doc.year}-${doc.year + 1}`;
  const last = doc.submissions.at(-1) ?? null;
  if (doc.status === 'unlocked') {
    items.push({
      what: 'correction',
      fix: 'cahier',
      message: `L'exercice ${name} a été rouvert par l'association départementale pour une correction${doc.unlockReason ? ` (motif : « ${doc.unlockReason} »)` : ''}.`,
    });
  }
  if (doc.status !== 'closed') return { year: doc.year, items };
  if (last?.status === 'returned') {
    items.push({
      what: 'returned',
      fix: 'depot',
      message: `Le dossier ${name} a été renvoyé par l'association départementale : « ${last.reason ?? ''} ». Corrigez-le puis envoyez-le de nouveau.`,
    });
  }
  if (!quitusComplete(doc))
    items.push({ what: 'quitus', fix: 'quitus', message: `Le quitus de l'exercice ${name} manque : deux vérificateurs aux comptes, dont un parent.` });
  if (!last || !last.current) {
    const due = submissionDueOn(doc.year);
    items.push({
      what: 'submission',
      fix: 'depot',
      message:
        day > due
          ? `Le bilan ${name} n'est pas envoyé à l'association départementale : il est en retard depuis le ${formatFrenchDate(due)}.`
          : `Le bilan ${name} est à envoyer à l'association départementale avant le ${formatFrenchDate(due)}.`,
    });
  }
  return { year: doc.year, items };
}

export function quitusView(doc: YearFactsDoc, day: string): QuitusView {
  return {
    invitations: doc.invitations.map((i) => ({ ...i, expired: i.expiresOn < day })),
    decisions: doc.decisions.map(({ name, quality, decision, comment, at, chainHead, valid }) => ({ name, quality, decision, comment, at, chainHead, valid })),
    complete: quitusComplete(doc),
  };
}

/** What the submission needs, as the year's end document shows it. */
export function submissionRow(coop: Pick<CoopDoc, 'coopId' | 'name'>, doc: YearFactsDoc, day: string): SubmissionRow {
  const last = doc.submissions.at(-1) ?? null;
  const proofs = new Set(doc.documents.filter((d) => d.kind === 'subsidy').map((d) => d.subsidyIndex));
  const reserves = reservesOf(doc);
  return {
    coopId: coop.coopId,
    name: coop.name,
    // A version sent before an unlock is not the year as it stands: missing, as on the completeness board.
    status: last?.current ? last.status : 'missing',
    version: last?.version ?? null,
    submittedAt: last?.at ?? null,
    late: last ? last.late : day > submissionDueOn(doc.year),
    quitus: quitusComplete(doc),
    quitusReserves: reserves.length > 0,
    reserves,
    statement: statementDocument(doc) !== null,
    subsidyProofs: Array.from({ length: doc.subsidies.length }, (_, i) => i).every((i) => proofs.has(i)),
    reason: last?.status === 'returned' ? last.reason : null,
    reopened: last !== null && !last.current,
    invitations: doc.invitations.map(({ name, quality, delivery, used }) => ({ name, quality, delivery, used })),
  };
}

/** The year's end as the read models hold it: a coop's quitus and submission, the department's list, a link's code. */
@Injectable()
export class YearEndReads {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly ledger: LedgerReads,
  ) {}

  today(): string {
    return today(this.clock);
  }

  async yearEnd(coop: Pick<CoopDoc, 'coopId' | 'department'>, year: number, source: DocSource = this.store): Promise<YearFactsDoc> {
    return (await source.get<YearFactsDoc>(YEAR_FACTS, yearFactsId(coop.coopId, year))) ?? emptyYearFacts(coop.coopId, year, coop.department);
  }

  async quitus(coop: Pick<CoopDoc, 'coopId' | 'department'>, year: number, source?: DocSource): Promise<QuitusView> {
    return quitusView(await this.yearEnd(coop, year, source), this.today());
  }

  /** The CRF on OCCE's form of a year as read (now, or asOf: the same source for every document). */
  async crf(reads: YearReads & { source: DocSource }, asSent?: CrfInputs['asSent']): Promise<OfficialCrf> {
    const { coop, year, notebook, chart, source } = reads;
    const earlier = await earlierNotebooks(source, coop, year);
    return officialCrf({ coop, notebook, chart, yearEnd: await this.yearEnd(coop, year, source), earlier, asSent });
  }

  /** A version as it was sent: the CRF made from the stream head it is bound to. */
  async sentCrf(coopId: string, year: number, version: number): Promise<{ reads: YearReads; crf: OfficialCrf }> {
    const { coop } = await this.ledger.year(coopId, year);
    const sent = (await this.yearEnd(coop, year)).submissions.find((s) => s.version === version);
    if (!sent) throw new DomainError('NOT_FOUND', `La version ${version} de cet exercice n'a pas été envoyée.`, undefined, 'not_found');
    const reads = await this.ledger.yearAtHead(coopId, year, sent.chainHead);
    return { reads, crf: await this.crf(reads, { version, on: sent.sentOn, status: sent.status }) };
  }

  /** What is pending on each of the coop's years but `except` (the page's own says it in full), oldest first. */
  async pending(coop: Pick<CoopDoc, 'coopId' | 'department'>, years: ReadonlyArray<{ year: number; status: string }>, except: number): Promise<PendingYear[]> {
    const day = this.today();
    const others = years.filter((y) => y.year !== except && y.status !== 'open').sort((a, b) => a.year - b.year);
    const docs = await Promise.all(others.map((y) => this.yearEnd(coop, y.year)));
    return docs.map((d) => pendingYear(d, day)).filter((p) => p.items.length > 0);
  }

  /** What the year's pages say of its opening and its submission. */
  async notices(coop: Pick<CoopDoc, 'coopId' | 'department' | 'firstYear'>, year: number, notebook: NotebookDoc): Promise<YearEndNotices> {
    const previous = year > coop.firstYear ? await this.yearEnd(coop, year - 1) : null;
    return yearEndNotices(await this.yearEnd(coop, year), previous, notebook);
  }

  /** The board's year's-end flag of each coop of the department (by coop id), for the year. */
  async boardFlags(department: string, year: number): Promise<Map<string, string>> {
    const [docs, previous] = await Promise.all([
      this.store.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } }),
      this.store.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year: year - 1 } }),
    ]);
    const before = new Map(previous.map((d) => [d.coopId, d]));
    const own = new Map(docs.map((d) => [d.coopId, d]));
    const flags = new Map<string, string>();
    for (const coopId of new Set([...own.keys(), ...before.keys()])) {
      const flag = yearEndFlag(own.get(coopId) ?? emptyYearFacts(coopId, year, department), before.get(coopId) ?? null);
      if (flag) flags.set(coopId, flag);
    }
    return flags;
  }

  /** One coop's row of the submissions list for each of the years asked (the AD's page of the coop: one status everywhere). */
  async coopSubmissions(coop: CoopDoc, years: readonly number[]): Promise<Map<number, SubmissionRow>> {
    const day = this.today();
    const docs = await Promise.all(years.map((y) => this.yearEnd(coop, y)));
    return new Map(docs.map((doc, i) => [years[i], submissionRow(coop, doc, day)]));
  }

  /** Every coop of the department for the year, submitted or not, by coop id. */
  async submissions(department: string, year: number, asOf?: string | null): Promise<SubmissionRow[]> {
    return (await this.dossiers(department, year, asOf)).map((d) => d.row);
  }

  /**
   * The department's list with what each coop attached (the year-end statement, attached or the
   * imported bank file, and the subsidies' proofs), for the AD's page.
   */
  async dossiers(department: string, year: number, asOf?: string | null): Promise<Array<{ row: SubmissionRow; documents: SubmissionFile[] }>> {
    const source = asOf ? await this.ledger.departmentSource(department, asOf, year) : this.store;
    const [coops, docs] = await Promise.all([
      source.find<CoopDoc>('coops', { where: { department } }),
      source.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } }),
    ]);
    const byCoop = new Map(docs.map((d) => [d.coopId, d]));
    const day = this.today();
    return coops
      .filter((c) => c.firstYear <= year)
      .sort((a, b) => (a.coopId < b.coopId ? -1 : 1))
      .map((c) => {
        const doc = byCoop.get(c.coopId) ?? emptyYearFacts(c.coopId, year, department);
        return { row: submissionRow(c, doc, day), documents: submissionFiles(doc) };
      });
  }

  /** The invitation a link's code opens: 404 for an unknown or expired code, as for anything absent. */
  async invitation(codeHash: string): Promise<QuitusCodeDoc> {
    const found = /^[0-9a-f]{64}$/.test(codeHash) ? await this.store.get<QuitusCodeDoc>(QUITUS_CODES, codeHash) : null;
    if (!found || found.expiresOn < this.today()) {
      throw new DomainError(
        'INVITATION_NOT_FOUND',
        "Ce lien d'invitation est inconnu ou a expiré : demandez-en un nouveau au mandataire.",
        undefined,
        'not_found',
      );
    }
    return found;
  }
}
