import {
  type LedgerEvent,
  type QuitusDecision,
  type StatementFile,
  type SubmissionDocumentKind,
  type SubsidyRow,
  type VerifierQuality,
} from '../../../events/ledger-events';
import { isEmailAddress } from '../../coop';
import { DomainError, reject } from '../../errors';
import { formatFrenchDate, yearEnd as yearEndDay } from '../../fiscal-year';
import { type StatementBalance, lastStatementOn } from '../../statements/reconciliation';
import { optionalText, yearName } from '../entries/validation';
import {
  type DecisionState,
  type InvitationState,
  type Issue,
  type LedgerCommand,
  type LedgerEnv,
  type LedgerState,
  type SubmissionState,
  type SubmissionStatus,
  type YearEndState,
} from '../types';

/**
 * The year's end of DOMAIN.md, "The year's end": the quitus of two vérificateurs aux comptes
 * (one-time invitations, decisions bound to the stream head, void after an unlock) and the
 * submission of the closed year to the AD (documents, versions kept as sent, accept / return).
 */

export const VERIFIER_QUALITIES: readonly VerifierQuality[] = ['parent', 'enseignant', 'autre'];
export const QUITUS_DECISIONS: readonly QuitusDecision[] = ['quitus', 'reserves'];
export const SUBMISSION_DOCUMENT_KINDS: readonly SubmissionDocumentKind[] = ['statement', 'subsidy'];
/** An invitation opens the year for 30 days. */
export const INVITATION_DAYS = 30;
/** Invitations a coop may send per day for one year: a code is a credential, not a mailing list. */
export const INVITATIONS_PER_DAY = 5;
export const MAX_COMMENT = 2000;

export const initialYearEnd = (): YearEndState => ({ epoch: 0, invitations: {}, decisions: [], documents: [], submissions: [], openingSeen: null });

/** The year-end's part of the fold: a new object, the previous one untouched. */
export function evolveYearEnd(state: YearEndState, event: LedgerEvent): YearEndState {
  switch (event.type) {
    case 'QuitusInvited': {
      const { invitationId } = event.data;
      const invitedOn = addDays(event.data.expiresOn, -INVITATION_DAYS);
      return { ...state, invitations: { ...state.invitations, [invitationId]: { ...event.data, invitedOn, used: false } } };
    }
    case 'QuitusGiven': {
      const invitation = state.invitations[event.data.invitationId];
      return {
        ...state,
        invitations: invitation ? { ...state.invitations, [invitation.invitationId]: { ...invitation, used: true } } : state.invitations,
        decisions: [...state.decisions, { ...event.data, epoch: state.epoch }],
      };
    }
    case 'SubmissionDocumentAttached':
      return { ...state, documents: [...state.documents, { ...event.data }] };
    case 'SubmissionSent':
      return {
        ...state,
        submissions: [...state.submissions, { ...event.data, documentIds: [...event.data.documentIds], status: 'submitted', reason: null, epoch: state.epoch }],
      };
    case 'SubmissionAccepted':
      return { ...state, submissions: state.submissions.map((s) => (s.version === event.data.version ? { ...s, status: 'accepted', reason: null } : s)) };
    case 'SubmissionReturned':
      return {
        ...state,
        submissions: state.submissions.map((s) => (s.version === event.data.version ? { ...s, status: 'returned', reason: event.data.reason } : s)),
      };
    case 'YearUnlocked':
      return { ...state, epoch: state.epoch + 1 };
    case 'OpeningChangeSeen':
      return { ...state, openingSeen: { bank: event.data.bank, cash: event.data.cash } };
    default:
      return state;
  }
}

export type YearEndCommand = Extract<
  LedgerCommand,
  {
    type: 'InviteVerifier' | 'GiveQuitus' | 'AttachSubmissionDocument' | 'SubmitYear' | 'AcceptSubmission' | 'ReturnSubmission' | 'AcknowledgeOpeningChange';
  }
>;

const YEAR_END_COMMANDS = new Set<string>([
  'InviteVerifier',
  'GiveQuitus',
  'AttachSubmissionDocument',
  'SubmitYear',
  'AcceptSubmission',
  'ReturnSubmission',
  'AcknowledgeOpeningChange',
]);
export const isYearEndCommand = (command: LedgerCommand): command is YearEndCommand => YEAR_END_COMMANDS.has(command.type);

// ---- reads of the state ---------------------------------------------------------------------------

export interface QuitusStatus {
  /** Decisions that still stand: given on the year as it is (no unlock since). */
  valid: DecisionState[];
  /** Two valid decisions of two vérificateurs, at least one a parent. */
  complete: boolean;
  /** What is missing for it to be complete, in French; empty when complete. */
  missing: string[];
}

export function quitusStatus(state: LedgerState): QuitusStatus {
  const valid = state.status === 'closed' ? state.yearEnd.decisions.filter((d) => d.epoch === state.yearEnd.epoch) : [];
  const missing = quitusMissing(valid);
  return { valid, complete: missing.length === 0, missing };
}

/** What the valid decisions lack for a complete quitus, in French: two people, one a parent. */
export function quitusMissing(valid: ReadonlyArray<{ name: string; quality: VerifierQuality }>): string[] {
  const people = new Set(valid.map((d) => personKey(d.name)));
  const missing: string[] = [];
  if (people.size < 2) {
    missing.push(
      people.size === 0 ? 'aucune décision de vérificateur n’est encore enregistrée (il en faut deux)' : 'il manque la décision d’un second vérificateur',
    );
  }
  if (!valid.some((d) => d.quality === 'parent')) missing.push('au moins un des vérificateurs doit être un parent d’élève');
  return missing;
}

/** The latest submission, if any. */
export const lastSubmission = (state: LedgerState): SubmissionState | null => state.yearEnd.submissions.at(-1) ?? null;

/** 30 September after the year's end: the day the AD expects the year. */
export const submissionDueOn = (year: number): string => `${year + 1}-09-30`;

/**
 * What the submission rules read, small and JSON: the decider draws it from the year's state, the
 * pages from the read models, and both get the same blockers.
 */
export interface SubmissionFacts {
  year: number;
  status: LedgerState['status'];
  /** Decisions that still stand. */
  valid: Array<{ name: string; quality: VerifierQuality }>;
  statement: boolean;
  subsidies: SubsidyRow[];
  /** Rows of the subsidies table with a proof attached. */
  proven: number[];
  /** The latest version sent; current: no unlock since. */
  last: { version: number; status: SubmissionStatus; sentOn: string; current: boolean } | null;
}

/** A statement of the year as the submission reads it: its date and balance, and the bank's file it came from (null: typed from paper). */
export interface StatementOnRecord extends StatementBalance {
  file: StatementFile | null;
}

/** The submission's year-end statement: a document attached as such, or the bank's file of an imported statement. */
export type StatementDocument<D, S> = { attached: D; imported: null } | { attached: null; imported: S };

/**
 * The "relevé de fin d'exercice" the submission sends (DOMAIN.md, "The year's end"): the latest
 * document attached as the statement; else the bank's file of the year-end statement, imported
 * into the year — the latest one dated in August of the year's end or, once the year is closed,
 * the year's last statement (the closing accepted it as the year-end one: August had no bank
 * movement). Documents and statements come in record order.
 */
export function statementDocumentOf<D extends { kind: string }, S extends StatementOnRecord>(
  year: number,
  status: LedgerState['status'],
  documents: readonly D[],
  statements: readonly S[],
): StatementDocument<D, S> | null {
  const attached = documents.filter((d) => d.kind === 'statement').at(-1);
  if (attached) return { attached, imported: null };
  const august = lastStatementOn(
    statements.filter((s) => s.file && s.date.startsWith(`${year + 1}-08`)),
    yearEndDay(year),
  );
  const last = status === 'closed' ? lastStatementOn(statements, yearEndDay(year)) : null;
  const imported = august ?? (last?.file ? last : null);
  return imported ? { attached: null, imported } : null;
}

export function submissionFactsOf(state: LedgerState): SubmissionFacts {
  const last = lastSubmission(state);
  const statements = Object.values(state.statements).sort((a, b) => a.seq - b.seq);
  return {
    year: state.year,
    status: state.status,
    valid: quitusStatus(state).valid,
    statement: statementDocumentOf(state.year, state.status, state.yearEnd.documents, statements) !== null,
    subsidies: state.subsidies,
    proven: state.yearEnd.documents.filter((d) => d.kind === 'subsidy' && d.subsidyIndex !== null).map((d) => d.subsidyIndex!),
    last: last ? { version: last.version, status: last.status, sentOn: last.sentOn, current: last.epoch === state.yearEnd.epoch } : null,
  };
}

/** Why the year cannot be sent to the AD now (SUBMISSION_BLOCKED lists them); empty when it can. */
export function submissionBlockers(state: SubmissionFacts): Issue[] {
  const blockers: Issue[] = [];
  if (state.status !== 'closed') {
    blockers.push({
      code: 'YEAR_NOT_CLOSED',
      message:
        state.status === 'unlocked'
          ? `L'exercice ${yearName(state.year)} a été rouvert pour une correction : il doit être verrouillé à nouveau.`
          : `L'exercice ${yearName(state.year)} n'est pas clôturé : clôturez-le d'abord.`,
      fix: 'cloture',
    });
  }
  const missing = state.status === 'closed' ? quitusMissing(state.valid) : quitusMissing([]);
  if (missing.length) {
    blockers.push({ code: 'QUITUS_INCOMPLETE', message: `Le quitus n'est pas complet : ${missing.join(' ; ')}.`, fix: 'quitus' });
  }
  if (!state.statement) {
    blockers.push({
      code: 'STATEMENT_DOCUMENT_MISSING',
      message: "Joignez le relevé bancaire qui encadre le 31 août (fin d'exercice), ou importez le fichier de la banque du relevé d'août.",
      fix: 'depot',
    });
  }
  state.subsidies.forEach((row, index) => {
    if (!state.proven.includes(index)) {
      blockers.push({ code: 'SUBSIDY_PROOF_MISSING', message: `Joignez le justificatif de la subvention ${subsidyName(row)}.`, fix: 'depot' });
    }
  });
  const { last } = state;
  if (last?.current && last.status === 'submitted') {
    blockers.push({
      code: 'SUBMISSION_PENDING',
      message: `La version ${last.version} a été envoyée le ${formatFrenchDate(last.sentOn)} : l'association départementale ne l'a pas encore examinée.`,
      fix: 'depot',
    });
  }
  if (last?.current && last.status === 'accepted') {
    blockers.push({ code: 'SUBMISSION_ACCEPTED', message: `La version ${last.version} a été acceptée par l'association départementale.`, fix: 'depot' });
  }
  return blockers;
}

const subsidyName = (row: SubsidyRow): string => `« ${row.origin}${row.designation ? ` – ${row.designation}` : ''} »`;

// ---- decisions ------------------------------------------------------------------------------------

export function decideYearEnd(command: YearEndCommand, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  switch (command.type) {
    case 'InviteVerifier':
      return inviteVerifier(command, state, env);
    case 'GiveQuitus':
      return giveQuitus(command, state, env);
    case 'AttachSubmissionDocument':
      return attachDocument(command, state);
    case 'SubmitYear':
      return submitYear(state, env);
    case 'AcceptSubmission': {
      const pending = pendingSubmission(state);
      return [{ type: 'SubmissionAccepted', data: { version: pending.version } }];
    }
    case 'ReturnSubmission': {
      const pending = pendingSubmission(state);
      const reason = optionalText(command.reason);
      if (reason === null) reject([new DomainError('REASON_REQUIRED', 'Indiquez pourquoi le dossier est renvoyé à la coopérative.', 'reason')]);
      return [{ type: 'SubmissionReturned', data: { version: pending.version, reason: reason!.slice(0, MAX_COMMENT) } }];
    }
    case 'AcknowledgeOpeningChange':
      return acknowledgeOpeningChange(command, state, env);
  }
}

const notClosed = (state: LedgerState, what: string): DomainError =>
  new DomainError('YEAR_NOT_CLOSED', `L'exercice ${yearName(state.year)} n'est pas clôturé : ${what}.`, undefined, 'conflict');

/** Names compare without case, accents or extra spaces: "Élodie  Durand" is "elodie durand". */
export const personKey = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

const nameParts = (name: string): string[] =>
  personKey(name)
    .split(/[\s.'’-]+/)
    .filter(Boolean);
/** Given names agree when each pair is the same name or one is the other's initial ("C." and "Claire"); none given agrees. */
const givenNamesAgree = (a: string[], b: string[]): boolean =>
  a.slice(0, Math.min(a.length, b.length)).every((x, i) => x === b[i] || (x.length === 1 && b[i].startsWith(x)) || (b[i].length === 1 && x.startsWith(b[i])));
const sameSurname = (a: string[], b: string[]): boolean =>
  a.length > 0 && b.length > 0 && a.at(-1) === b.at(-1) && givenNamesAgree(a.slice(0, -1), b.slice(0, -1));
const surnameFirst = (parts: string[]): string[] => (parts.length > 1 ? [...parts.slice(1), parts[0]] : parts);

/**
 * Two ways of writing one person's name: without case, accents, spaces or punctuation, initials
 * for given names ("C. Martin", "claire MARTIN", "Martin Claire" are Claire Martin).
 */
export function samePerson(a: string, b: string): boolean {
  const x = nameParts(a);
  const y = nameParts(b);
  return sameSurname(x, y) || sameSurname(surnameFirst(x), y) || sameSurname(x, surnameFirst(y));
}

/** The valid decisions "réserves" and their comments: a quitus that counts, but not a clean one (DOMAIN.md, "Quitus evidence"). */
export const quitusReserves = <D extends { decision: string; name: string; comment?: string | null }>(
  valid: readonly D[],
): Array<{ name: string; comment: string }> => valid.filter((d) => d.decision === 'reserves').map((d) => ({ name: d.name, comment: d.comment ?? '' }));

/** A vérificateur did not keep the books: no mandataire of the coop, by name (samePerson). */
function assertNotBookkeeper(name: string, env: LedgerEnv): void {
  if ((env.mandataires ?? []).some((m) => samePerson(m, name))) {
    throw new DomainError(
      'VERIFIER_IS_BOOKKEEPER',
      `${name} tient les comptes de la coopérative : un vérificateur aux comptes ne peut pas être un mandataire.`,
      'name',
      'forbidden',
    );
  }
}

function inviteVerifier(command: Extract<LedgerCommand, { type: 'InviteVerifier' }>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  if (state.status !== 'closed') throw notClosed(state, 'les vérificateurs sont invités une fois la clôture faite');
  const errors: DomainError[] = [];
  const name = optionalText(command.name);
  if (name === null) errors.push(new DomainError('NAME_REQUIRED', 'Indiquez le nom du vérificateur.', 'name'));
  else if (name.length > 120) errors.push(new DomainError('TEXT_TOO_LONG', 'Le nom ne peut dépasser 120 caractères.', 'name'));
  if (!VERIFIER_QUALITIES.includes(command.quality as VerifierQuality)) {
    errors.push(new DomainError('QUALITY_INVALID', 'Indiquez la qualité du vérificateur : parent, enseignant ou autre.', 'quality'));
  }
  if (!/^[0-9a-f]{64}$/.test(command.codeHash)) errors.push(new DomainError('CODE_INVALID', "Le code d'invitation est invalide.", 'code'));
  const email = optionalText(command.email)?.toLowerCase() ?? null;
  if (email !== null && !isEmailAddress(email)) {
    errors.push(new DomainError('EMAIL_INVALID', "L'adresse électronique du vérificateur n'est pas valide (ex. prenom.nom@exemple.fr).", 'email'));
  }
  reject(errors);
  assertNotBookkeeper(name!, env);
  if (Object.hasOwn(state.yearEnd.invitations, command.invitationId)) return [];
  const today = Object.values(state.yearEnd.invitations).filter((i) => i.invitedOn === env.today).length;
  if (today >= INVITATIONS_PER_DAY) {
    throw new DomainError(
      'INVITATIONS_LIMIT',
      `${INVITATIONS_PER_DAY} invitations ont déjà été envoyées aujourd'hui pour cet exercice : réessayez demain.`,
      undefined,
      'conflict',
    );
  }
  return [
    {
      type: 'QuitusInvited',
      data: {
        invitationId: command.invitationId,
        name: name!,
        quality: command.quality as VerifierQuality,
        codeHash: command.codeHash,
        expiresOn: addDays(env.today, INVITATION_DAYS),
        delivery: email === null ? 'paper' : 'email',
        sentTo: email,
      },
    },
  ];
}

/** The invitation a code opens, as a vérificateur may use it today; refused like an unknown code otherwise. */
export function invitationFor(state: LedgerState, codeHash: string, today: string): InvitationState {
  const invitation = Object.values(state.yearEnd.invitations).find((i) => i.codeHash === codeHash);
  if (!invitation || invitation.expiresOn < today) {
    throw new DomainError(
      'INVITATION_NOT_FOUND',
      "Ce lien d'invitation est inconnu ou a expiré : demandez-en un nouveau au mandataire.",
      undefined,
      'not_found',
    );
  }
  return invitation;
}

function giveQuitus(command: Extract<LedgerCommand, { type: 'GiveQuitus' }>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const invitation = invitationFor(state, command.codeHash, env.today);
  if (invitation.used) {
    throw new DomainError(
      'INVITATION_USED',
      'Ce lien a déjà servi : la décision est enregistrée. Un nouveau lien est nécessaire pour se prononcer à nouveau.',
      undefined,
      'gone',
    );
  }
  if (command.by && command.by.role === 'mandataire' && command.by.coopId === state.coopId) {
    throw new DomainError(
      'VERIFIER_IS_BOOKKEEPER',
      'Vous êtes connecté comme mandataire de cette coopérative : le quitus est donné par des vérificateurs qui ne tiennent pas les comptes.',
      undefined,
      'forbidden',
    );
  }
  assertNotBookkeeper(invitation.name, env);
  if (state.status !== 'closed') throw notClosed(state, 'le quitus porte sur un exercice clôturé');
  const errors: DomainError[] = [];
  if (!QUITUS_DECISIONS.includes(command.decision as QuitusDecision)) {
    errors.push(new DomainError('DECISION_INVALID', 'Choisissez « Je donne quitus » ou « J’émets des réserves ».', 'decision'));
  }
  const comment = optionalText(command.comment);
  if (command.decision === 'reserves' && comment === null) {
    errors.push(new DomainError('COMMENT_REQUIRED', 'Indiquez vos réserves dans le commentaire.', 'comment'));
  }
  if (comment !== null && comment.length > MAX_COMMENT) {
    errors.push(new DomainError('TEXT_TOO_LONG', `Le commentaire ne peut dépasser ${MAX_COMMENT} caractères.`, 'comment'));
  }
  reject(errors);
  return [
    {
      type: 'QuitusGiven',
      data: {
        invitationId: invitation.invitationId,
        decision: command.decision as QuitusDecision,
        name: invitation.name,
        quality: invitation.quality,
        comment,
        chainHead: env.head?.hash ?? '',
      },
    },
  ];
}

function attachDocument(command: Extract<LedgerCommand, { type: 'AttachSubmissionDocument' }>, state: LedgerState): LedgerEvent[] {
  if (state.yearEnd.documents.some((d) => d.documentId === command.documentId)) return [];
  const errors: DomainError[] = [];
  if (!SUBMISSION_DOCUMENT_KINDS.includes(command.kind as SubmissionDocumentKind)) {
    errors.push(
      new DomainError('DOCUMENT_KIND_INVALID', 'Le document est le relevé bancaire (statement) ou le justificatif d’une subvention (subsidy).', 'kind'),
    );
  }
  let subsidyIndex: number | null = null;
  if (command.kind === 'subsidy') {
    const index = command.subsidyIndex;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= state.subsidies.length) {
      errors.push(
        new DomainError(
          'SUBSIDY_UNKNOWN',
          state.subsidies.length === 0
            ? "Le tableau des subventions est vide : il n'y a pas de justificatif à joindre."
            : `Choisissez la subvention justifiée (ligne 1 à ${state.subsidies.length} du tableau).`,
          'subsidyIndex',
        ),
      );
    } else {
      subsidyIndex = index;
    }
  }
  if (!/^[0-9a-f]{64}$/.test(command.sha256)) errors.push(new DomainError('ATTACHMENT_INVALID', "L'empreinte SHA-256 du document est invalide.", 'file'));
  reject(errors);
  const { documentId, sha256, mediaType, size } = command;
  const fileName = optionalText(command.fileName) ?? 'document';
  return [
    { type: 'SubmissionDocumentAttached', data: { documentId, kind: command.kind as SubmissionDocumentKind, subsidyIndex, sha256, mediaType, size, fileName } },
  ];
}

function submitYear(state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const blockers = submissionBlockers(submissionFactsOf(state));
  if (blockers.length) {
    const points = blockers.length === 1 ? 'un point est à régler' : `${blockers.length} points sont à régler`;
    throw new DomainError(
      'SUBMISSION_BLOCKED',
      `Le dossier de l'exercice ${yearName(state.year)} ne peut pas encore être envoyé : ${points}.`,
      undefined,
      'conflict',
      {
        blockers,
      },
    );
  }
  const version = state.yearEnd.submissions.length + 1;
  // The latest document of each kind (and subsidy row) is the one sent.
  const latest = new Map<string, string>();
  for (const d of state.yearEnd.documents) latest.set(d.kind === 'subsidy' ? `subsidy:${d.subsidyIndex}` : d.kind, d.documentId);
  const documentIds = [...latest].filter(([key]) => key === 'statement' || Number(key.slice('subsidy:'.length)) < state.subsidies.length).map(([, id]) => id);
  return [
    {
      type: 'SubmissionSent',
      data: { version, chainHead: env.head?.hash ?? '', sentOn: env.today, late: env.today > submissionDueOn(state.year), documentIds },
    },
  ];
}

/**
 * The mandataire saw the opening the previous year's correction moved (DOMAIN.md, "Reopening":
 * before → after, once). What the page showed must still be the previous year's closing: the
 * mandataire acknowledges what they saw, never a later change.
 */
function acknowledgeOpeningChange(command: Extract<LedgerCommand, { type: 'AcknowledgeOpeningChange' }>, state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const previous = env.earlierYears.at(-1);
  const closing = previous?.status === 'closed' ? previous.closing : null;
  if (!closing) {
    throw new DomainError(
      'PREVIOUS_YEAR_OPEN',
      `L'exercice précédent (${yearName(state.year - 1)}) n'est pas clôturé : l'ouverture de cet exercice est encore provisoire.`,
      undefined,
      'conflict',
    );
  }
  if (closing.bank !== command.bank || closing.cash !== command.cash) {
    throw new DomainError(
      'OPENING_CHANGED',
      "L'ouverture a encore changé depuis l'affichage de la page : rechargez-la pour voir la nouvelle.",
      undefined,
      'conflict',
    );
  }
  const seen = state.yearEnd.openingSeen;
  if (seen && seen.bank === closing.bank && seen.cash === closing.cash) return [];
  return [{ type: 'OpeningChangeSeen', data: { bank: closing.bank, cash: closing.cash } }];
}

function pendingSubmission(state: LedgerState): SubmissionState {
  const last = lastSubmission(state);
  // A version sent before an unlock is no longer what the year says: it waits for none.
  if (!last || last.status !== 'submitted' || last.epoch !== state.yearEnd.epoch) {
    throw new DomainError(
      'NO_PENDING_SUBMISSION',
      "Aucun dossier de cet exercice n'attend de décision de l'association départementale.",
      undefined,
      'conflict',
    );
  }
  return last;
}

/** 'YYYY-MM-DD' moved by whole days (calendar arithmetic in UTC, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
