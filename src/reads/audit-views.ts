import { plural } from './words';
import { DomainError } from '../domain/errors';
import { formatFrenchDate, isIsoDate } from '../domain/fiscal-year';
import { formatEuros } from '../domain/money';
import { type RecordedEvent } from '../events/envelope';
import { asCoopEvent, type CoopEvent, type CoopIdentity, type RecordedCoopEvent } from '../events/coop-events';
import {
  asLedgerEvent,
  type EntryContent,
  type EntryLine,
  type LedgerEvent,
  type RecordedLedgerEvent,
  type StatementDeclared,
  type YearLocked,
} from '../events/ledger-events';
import { type HistoryCheck } from '../events/history';
import { type BadDocument, badDocumentSentence } from '../projections/read-model-check';
import { type PaymentContent } from '../events/payment-events';
import { asMembershipEvent, type MembershipEvent, type RecordedMembershipEvent } from '../events/membership-events';
import { adultsOf, pupilsOf } from '../domain/membership';
import { parseStream } from '../events/streams';
import { historyItem } from './history';

/** The auditor's pages' views of the history: French labels, one line of what each event says. */

const FIELD_LABELS: Record<string, string> = {
  pj: 'PJ',
  date: 'Date',
  label: 'Libellé',
  chequeNo: 'N° de chèque',
  actionA: 'Action A',
  actionB: 'Action B',
  lines: 'Lignes',
};

const ROLE_LABELS: Record<string, string> = {
  mandataire: 'mandataire',
  treasurer: 'trésorier départemental',
  auditor: 'vérificateur',
  admin: 'administrateur',
  system: 'système',
};

/** The day and time in France of an ISO date-time, e.g. "27/11/2026 11:00". */
export const parisMoment = (at: string): string =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(at));

/** An ISO date-time as a datetime-local value in France ("2026-11-27T11:00"). */
export const parisInputValue = (at: string): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(new Date(at))
    .replace(' ', 'T');

const invalidAsOf = (): DomainError => new DomainError('AS_OF_INVALID', 'Choisissez une date et une heure valides (ex. 25/04/2025 12:00).', 'asOf');

/**
 * The moment an auditor asks for, as an ISO date-time: a full ISO value (links of the history)
 * stands as is; the picker's "YYYY-MM-DDTHH:mm" is a time in France, the whole minute included.
 */
export function asOfMoment(value: string): string {
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || isIsoDate(value)) {
    const date = new Date(isIsoDate(value) ? `${value}T23:59:59.999Z` : value);
    if (Number.isNaN(date.getTime())) throw invalidAsOf();
    return date.toISOString();
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) throw invalidAsOf();
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), 59, 999);
  if (Number.isNaN(asUtc)) throw invalidAsOf();
  // France's offset at that moment (summer or winter time): how far its wall clock is from UTC.
  const wall = new Date(asUtc);
  const inParis = new Date(
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .format(wall)
      .replace(' ', 'T') + '.999Z',
  );
  return new Date(asUtc - (inParis.getTime() - wall.getTime())).toISOString();
}

const linesText = (lines: readonly EntryLine[]): string =>
  lines
    .map((l) => `${l.account}${l.regie ? ` (${l.regie})` : ''} ${l.debit ? `débit ${formatEuros(l.debit)}` : `crédit ${formatEuros(l.credit ?? 0)}`}`)
    .join(' ; ');

const valueText = (field: string, value: unknown): string => {
  if (value === null || value === undefined || value === '') return '(vide)';
  if (field === 'lines' && Array.isArray(value)) return linesText(value as EntryLine[]);
  if (field === 'date' && typeof value === 'string') return formatFrenchDate(value);
  return String(value);
};

const entryText = (e: EntryContent): string => `PJ ${e.pj} du ${formatFrenchDate(e.date)} — ${e.label}`;

/** What the history has told so far, for the events that name an entry or an item by its id. */
interface HistorySoFar {
  entries: Map<string, EntryContent>;
  inventory: Map<string, string>;
}

/** What one event says, in a line and a finer one; `entryId` for the events of an entry's own life. */
interface EventText {
  summary: string;
  details: string | null;
  entryId?: string;
}

type HistoryEvent = LedgerEvent | CoopEvent | MembershipEvent;
export type HistoryEventType = HistoryEvent['type'];
type HistoryData = { [E in HistoryEvent as E['type']]: E['data'] };

interface EventView<T extends HistoryEventType> {
  /** The event's name on the auditor's pages. */
  label: string;
  text: (data: HistoryData[T], soFar: HistorySoFar) => EventText;
}

const said = (summary: string, details: string | null = null): EventText => ({ summary, details });
const nothingSaid = (): EventText => said('');

const identityText = (d: CoopIdentity): EventText =>
  said(
    [d.name, d.school, d.uai ? `UAI ${d.uai}` : null].filter(Boolean).join(' — '),
    d.mandataires?.length ? `Mandataires : ${d.mandataires.join(', ')}` : null,
  );

const contentText = (entryId: string, content: EntryContent, soFar: HistorySoFar): EventText => {
  soFar.entries.set(entryId, content);
  return { summary: entryText(content), details: linesText(content.lines), entryId };
};

/** An event about an entry recorded earlier: the entry as last seen, else its id. */
const entrySeen = (entryId: string, soFar: HistorySoFar): string => {
  const content = soFar.entries.get(entryId);
  return content ? entryText(content) : `Écriture ${entryId}`;
};

const statementText = (statementDate: string | null | undefined): string | null =>
  typeof statementDate === 'string' ? `Relevé du ${formatFrenchDate(statementDate)}` : null;

const statementSummary = (d: StatementDeclared): EventText => said(`Relevé du ${formatFrenchDate(d.date)} — solde ${formatEuros(d.closingBalance)}`);

const closingText = (d: YearLocked & { closedOn?: string }): EventText =>
  said(
    `${d.closedOn ? `Clôturé le ${formatFrenchDate(d.closedOn)} — ` : ''}banque ${formatEuros(d.bank)}, caisse ${formatEuros(d.cash)}, résultat ${formatEuros(d.result)}`,
  );

/**
 * Every event type of a coop's history, with its French name and what it says: an event type
 * added to the catalog and left out here fails the type-check.
 */
export const EVENT_VIEWS: { [T in HistoryEventType]: EventView<T> } = {
  CoopRegistered: { label: 'Coopérative enregistrée', text: identityText },
  CoopIdentityChanged: { label: 'Identité modifiée', text: identityText },
  CoopContactChanged: {
    label: 'Coordonnées modifiées',
    text: (d) => said([d.address, d.phone, d.email].filter(Boolean).join(' — '), d.mandataires.length ? `Mandataires : ${d.mandataires.join(', ')}` : null),
  },
  MandataireAppointed: {
    label: 'Mandataire nommé',
    text: (d) => said(`${d.name} (identifiant ${d.username}, ${d.email}) à partir du ${formatFrenchDate(d.since)}`),
  },
  MandateEnded: {
    label: 'Fin de mandat',
    text: (d) => said(`Identifiant ${d.username} : plus d'accès à la coopérative à partir du ${formatFrenchDate(d.until)}`),
  },
  OpeningBalanceDeclared: {
    label: "Existence au début de l'exercice",
    text: (d) => said(`Banque ${formatEuros(d.bank)} ; caisse ${formatEuros(d.cash)} au ${formatFrenchDate(d.date)}`),
  },
  EntryRecorded: { label: 'Écriture enregistrée', text: (d, soFar) => contentText(d.entryId, d, soFar) },
  EntryAmended: { label: 'Écriture modifiée', text: (d, soFar) => contentText(d.entryId, d, soFar) },
  EntryDeleted: {
    label: 'Écriture supprimée',
    text: (d) => ({ summary: `${entryText(d.previous)} (supprimée)`, details: linesText(d.previous.lines), entryId: d.entryId }),
  },
  EntryReconciled: {
    label: 'Écriture pointée',
    text: (d, soFar) => ({ summary: entrySeen(d.entryId, soFar), details: statementText(d.statementDate), entryId: d.entryId }),
  },
  EntryUnreconciled: { label: 'Pointage annulé', text: (d, soFar) => ({ summary: entrySeen(d.entryId, soFar), details: null, entryId: d.entryId }) },
  CarriedOverItemSeen: { label: 'Report vu sur le relevé', text: (d, soFar) => said(entrySeen(d.entryId, soFar), statementText(d.statementDate)) },
  CarriedOverItemUnseen: { label: 'Report de nouveau en attente sur le relevé', text: (d, soFar) => said(entrySeen(d.entryId, soFar)) },
  StatementDeclared: { label: 'Relevé bancaire saisi', text: statementSummary },
  StatementDeleted: { label: 'Relevé bancaire supprimé', text: () => said('Relevé supprimé avant tout pointage') },
  StatementImported: {
    label: 'Relevé bancaire importé',
    text: (d) => ({
      ...statementSummary(d),
      details: `${d.file.fileName} — ${plural(d.lines.length, 'ligne')}${d.duplicates ? `, ${plural(d.duplicates, 'déjà importée', 'déjà importées')}` : ''}`,
    }),
  },
  CashCounted: { label: 'Arrêté de caisse', text: (d) => said(`${formatEuros(d.total)} comptés le ${formatFrenchDate(d.date)}`) },
  SubsidiesDeclared: {
    label: 'Tableau des subventions',
    text: (d) => said(`${plural(d.rows.length, 'ligne')}, ${formatEuros(d.rows.reduce((s, r) => s + r.amount, 0))}`),
  },
  InventoryItemAdded: {
    label: "Bien inscrit à l'inventaire",
    text: (d, soFar) => {
      soFar.inventory.set(d.itemId, d.designation);
      return said(`${d.designation} — ${d.quantity} × ${formatEuros(d.value)}`);
    },
  },
  InventoryItemRemoved: { label: "Bien sorti de l'inventaire", text: (d, soFar) => said(soFar.inventory.get(d.itemId) ?? d.carried?.designation ?? d.itemId) },
  VoucherAttached: {
    label: 'Pièce justificative jointe',
    text: (d, soFar) => said(entrySeen(d.entryId, soFar), `${d.fileName} (SHA-256 ${d.sha256.slice(0, 16)}…)`),
  },
  ActivityReported: { label: "Compte-rendu d'activité", text: (d) => said(d.activity ?? '') },
  YearClosed: { label: 'Exercice clôturé', text: closingText },
  EntriesValidated: {
    label: 'Écritures validées',
    text: (d) =>
      said(
        `${d.entryIds.length} écriture${d.entryIds.length > 1 ? 's' : ''} validée${d.entryIds.length > 1 ? 's' : ''} le ${formatFrenchDate(d.validatedOn)} : elles ne se modifient plus`,
      ),
  },
  YearUnlocked: { label: "Exercice rouvert par l'association départementale", text: (d) => said(`Raison : ${d.reason ?? ''}`) },
  YearLocked: { label: 'Exercice verrouillé de nouveau', text: closingText },
  OpeningChangeSeen: {
    label: 'Nouvelle ouverture vue par le mandataire',
    text: (d) => said(`Banque ${formatEuros(d.bank)} ; caisse ${formatEuros(d.cash)}`),
  },
  QuitusInvited: {
    label: 'Vérificateur aux comptes invité',
    text: (d) => said(`${d.name} (${d.quality})`, `Invitation valable jusqu'au ${formatFrenchDate(d.expiresOn)}`),
  },
  QuitusGiven: {
    label: 'Avis du vérificateur aux comptes',
    text: (d) => said(`${d.name} (${d.quality}) — ${d.decision === 'quitus' ? 'quitus donné' : 'réserves'}`, d.comment),
  },
  SubmissionDocumentAttached: {
    label: 'Pièce jointe au bilan',
    text: (d) =>
      said(
        d.kind === 'statement' ? "Relevé bancaire de fin d'exercice" : `Justificatif de la subvention n° ${(d.subsidyIndex ?? 0) + 1}`,
        `${d.fileName} (SHA-256 ${d.sha256.slice(0, 16)}…)`,
      ),
  },
  SubmissionSent: {
    label: "Bilan envoyé à l'association départementale",
    text: (d) => said(`Version ${d.version} du ${formatFrenchDate(d.sentOn)}${d.late ? ' (en retard)' : ''}`),
  },
  SubmissionAccepted: { label: "Bilan accepté par l'association départementale", text: (d) => said(`Version ${d.version}`) },
  SubmissionReturned: { label: "Bilan renvoyé par l'association départementale", text: (d) => said(`Version ${d.version} — raison : ${d.reason}`) },
  PaymentRecorded: { label: 'Paiement encaissé', text: (d) => said(`Reçu n° ${d.receiptNo} — ${paymentText(d)}`) },
  PaymentAmended: { label: 'Paiement modifié', text: (d) => said(paymentText(d), `Avant : ${paymentText(d.previous)}`) },
  PaymentDeleted: { label: 'Paiement supprimé', text: (d) => said(`${paymentText(d.previous)} (supprimé)`) },
  PaymentsDeposited: {
    label: 'Remise en banque',
    text: (d) => said(`Bordereau n° ${d.depositNo} du ${formatFrenchDate(d.date)} — ${d.paymentIds.length} paiement(s), ${formatEuros(d.total)}`),
  },
  DepositCancelled: { label: 'Remise annulée (écriture supprimée)', text: (d) => said(`${d.paymentIds.length} paiement(s) de nouveau à remettre`) },
  MembershipNumbersEntered: {
    label: 'Adhésion : effectifs saisis',
    text: (d) =>
      said(
        `${plural(d.classes.length, 'classe')}, ${plural(pupilsOf(d), 'élève')}, ${plural(adultsOf(d), 'adulte')}`,
        `${plural(d.magazines, 'abonnement')} à la revue, contribution volontaire ${formatEuros(d.voluntary)}`,
      ),
  },
  MembershipEngagementGiven: { label: 'Adhésion : engagement du mandataire', text: (d) => said(d.name) },
  MembershipSubmitted: {
    label: "Adhésion envoyée à l'association départementale",
    text: (d) =>
      said(
        `Le ${formatFrenchDate(d.submittedOn)} — ${formatEuros(d.due.total)} dus, dont cotisation ${formatEuros(d.due.cotisation)} et assurance ${formatEuros(d.due.insurance)}`,
      ),
  },
  MembershipValidated: { label: "Adhésion validée par l'association départementale", text: (d) => said(`Le ${formatFrenchDate(d.validatedOn)}`) },
  MembershipReturned: {
    label: "Adhésion renvoyée par l'association départementale",
    text: (d) => said(`Le ${formatFrenchDate(d.returnedOn)} — raison : ${d.reason}`),
  },
};

const paymentText = (p: PaymentContent): string =>
  [formatFrenchDate(p.date), p.payer, p.pupil, formatEuros(p.amount), p.mode === 'cheque' ? `chèque ${p.chequeNo ?? ''}`.trim() : 'espèces', p.action]
    .filter(Boolean)
    .join(' — ');

const textOf = <T extends HistoryEventType>(type: T, data: HistoryData[T], soFar: HistorySoFar): EventText => EVENT_VIEWS[type].text(data, soFar);

/** A stored event of a coop's history (its identity stream, one of its years or memberships) with its catalog type. */
const historyEvent = (event: RecordedEvent): RecordedLedgerEvent | RecordedCoopEvent | RecordedMembershipEvent => {
  const category = parseStream(event.stream)?.category;
  return category === 'ledger' ? asLedgerEvent(event) : category === 'membership' ? asMembershipEvent(event) : asCoopEvent(event);
};

export interface HistoryRow {
  /** The event's number in the coop's history, from 1 for its first event. */
  number: number;
  position: string;
  streamLabel: string;
  year: number | null;
  revision: number;
  type: string;
  typeLabel: string;
  actor: string;
  role: string;
  at: string;
  when: string;
  summary: string;
  details: string | null;
  changes: Array<{ field: string; before: string; after: string }>;
  /** An entry event whose entry was deleted later (or the deletion itself). */
  deleted: boolean;
  hash: string;
}

/** Where an event belongs, in words: the coop's identity or one of its fiscal years. */
export const yearLabel = (year: number | null): string => (year === null ? 'Identité de la coopérative' : `Exercice ${year}-${year + 1}`);

/** Every event of the history, with what it says in French; deleted entries stay, marked. */
export function historyRows(recorded: readonly RecordedEvent[]): HistoryRow[] {
  const events = recorded.map(historyEvent);
  const deleted = new Set(events.flatMap((e) => (e.type === 'EntryDeleted' ? [e.data.entryId] : [])));
  const soFar: HistorySoFar = { entries: new Map(), inventory: new Map() };
  return events.map((event, index) => {
    const item = historyItem(event);
    // A type outside the catalog (a stream written by hand) still shows, under its own name.
    const known = Object.hasOwn(EVENT_VIEWS, event.type);
    const text = known ? textOf(event.type, event.data, soFar) : nothingSaid();
    return {
      number: index + 1,
      position: item.position,
      streamLabel: yearLabel(item.year),
      year: item.year,
      revision: item.revision,
      type: item.type,
      typeLabel: known ? EVENT_VIEWS[event.type].label : event.type,
      actor: item.metadata.actor,
      role: ROLE_LABELS[item.metadata.role] ?? item.metadata.role,
      at: item.metadata.at,
      when: parisMoment(item.metadata.at),
      summary: text.summary,
      details: text.details,
      changes: (item.changes ?? []).map((c) => ({
        field: FIELD_LABELS[c.field] ?? c.field,
        before: valueText(c.field, c.before),
        after: valueText(c.field, c.after),
      })),
      deleted: text.entryId !== undefined && deleted.has(text.entryId),
      hash: item.metadata.hash,
    };
  });
}

/** The history page's filters: a fiscal year, or the coop's identity (IDENTITY), and an event type; '' is all. */
export interface HistoryFilter {
  year: string;
  type: string;
}
export const IDENTITY = 'identite';

const yearKey = (year: number | null): string => (year === null ? IDENTITY : String(year));

/** The filters a query asks for; a value the history does not hold filters nothing out. */
export function historyFilter(query: Record<string, unknown>): HistoryFilter {
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  return { year: text(query.exercice), type: text(query.type) };
}

export function filterHistory(rows: readonly HistoryRow[], filter: HistoryFilter): HistoryRow[] {
  const years = new Set(rows.map((r) => yearKey(r.year)));
  const types = new Set(rows.map((r) => r.type));
  const year = years.has(filter.year) ? filter.year : '';
  const type = types.has(filter.type) ? filter.type : '';
  return rows.filter((r) => (!year || yearKey(r.year) === year) && (!type || r.type === type));
}

interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

/** The years and the event types (in French) the history holds, for the filters' lists. */
export function historyFilterChoices(rows: readonly HistoryRow[], filter: HistoryFilter): { years: Choice[]; types: Choice[] } {
  const years = new Map<string, string>();
  for (const r of [...rows].sort((a, b) => (a.year ?? -1) - (b.year ?? -1))) years.set(yearKey(r.year), r.streamLabel);
  const types = new Map<string, string>();
  for (const r of rows) types.set(r.type, r.typeLabel);
  return {
    years: [...years].map(([value, label]) => ({ value, label, selected: value === filter.year })),
    types: [...types].sort((a, b) => a[1].localeCompare(b[1], 'fr')).map(([value, label]) => ({ value, label, selected: value === filter.type })),
  };
}

/** Why a chain broke (linkBreak's reasons), in the auditor's words; an unknown reason as it is. */
const BREAK_EXPLANATIONS: ReadonlyArray<[RegExp, string]> = [
  [/^révision /, 'un événement manque ou a été déplacé à cet endroit'],
  [/^maillon rompu/, "son lien avec l'événement précédent est rompu"],
  [/^contenu modifié/, 'son contenu a été modifié après son enregistrement'],
];
const placeLabel = (year: number | null, coopId: string): string =>
  year === null ? `Identité de la coopérative ${coopId}` : `Exercice ${year}-${year + 1} de la coopérative ${coopId}`;

const breakExplanation = (reason: string): string => BREAK_EXPLANATIONS.find(([pattern]) => pattern.test(reason))?.[1] ?? reason;

const streamYear = (stream: string): number | null => {
  const parsed = parseStream(stream);
  return parsed?.category === 'ledger' || parsed?.category === 'membership' ? parsed.year : null;
};

/**
 * The verification in the auditor's words: the coop's identity and its years rather than
 * streams, events counted from 1, the first bad event by its number in the coop's history (the
 * check stops on it, so it is the count of events checked).
 */
export function verificationView(check: HistoryCheck & { firstBadDocument?: BadDocument }, coopId: string) {
  const bad = check.firstBadEvent;
  return {
    ok: check.ok,
    badDocument: check.firstBadDocument ? badDocumentSentence(check.firstBadDocument) : null,
    events: check.events,
    years: check.heads.filter((h) => streamYear(h.stream) !== null).length,
    heads: check.heads.map((h) => ({ label: yearLabel(streamYear(h.stream)), events: h.revision + 1, hash: h.hash })),
    firstBadEvent: bad
      ? {
          number: check.events,
          place: placeLabel(streamYear(bad.stream), coopId),
          typeLabel: Object.hasOwn(EVENT_VIEWS, bad.type) ? EVENT_VIEWS[bad.type as HistoryEventType].label : bad.type,
          explanation: breakExplanation(bad.reason),
        }
      : null,
  };
}
