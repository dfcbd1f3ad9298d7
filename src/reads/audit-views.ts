import { DomainError } from '../domain/errors';
import { formatFrenchDate, isIsoDate } from '../domain/fiscal-year';
import { formatEuros } from '../domain/money';
import { type RecordedEvent } from '../events/envelope';
import { asCoopEvent, type CoopEvent, type CoopIdentity, type RecordedCoopEvent } from '../events/coop-events';
import { asLedgerEvent, type EntryContent, type EntryLine, type LedgerEvent, type RecordedLedgerEvent, type YearLocked } from '../events/ledger-events';
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

type HistoryEvent = LedgerEvent | CoopEvent;
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
  OpeningBalanceDeclared: {
    label: "Existence au début de l'exercice",
    text: (d) => said(`Banque ${formatEuros(d.bank)} ; caisse ${formatEuros(d.cash)} au ${formatFrenchDate(d.date)}`),
  },
  EntryRecorded: { label: 'Écriture saisie', text: (d, soFar) => contentText(d.entryId, d, soFar) },
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
  CarriedOverItemUnseen: { label: 'CarriedOverItemUnseen', text: nothingSaid },
  StatementDeclared: { label: 'StatementDeclared', text: nothingSaid },
  StatementImported: { label: 'StatementImported', text: nothingSaid },
  CashCounted: { label: 'Arrêté de caisse', text: (d) => said(`${formatEuros(d.total)} comptés le ${formatFrenchDate(d.date)}`) },
  SubsidiesDeclared: {
    label: 'Tableau des subventions',
    text: (d) => said(`${d.rows.length} ligne(s), ${formatEuros(d.rows.reduce((s, r) => s + r.amount, 0))}`),
  },
  InventoryItemAdded: {
    label: "Bien inscrit à l'inventaire",
    text: (d, soFar) => {
      soFar.inventory.set(d.itemId, d.designation);
      return said(`${d.designation} — ${d.quantity} × ${formatEuros(d.value)}`);
    },
  },
  InventoryItemRemoved: { label: "Bien sorti de l'inventaire", text: (d, soFar) => said(soFar.inventory.get(d.itemId) ?? d.itemId) },
  VoucherAttached: {
    label: 'Pièce justificative jointe',
    text: (d, soFar) => said(entrySeen(d.entryId, soFar), `${d.fileName} (SHA-256 ${d.sha256.slice(0, 16)}…)`),
  },
  ActivityReported: { label: "Compte-rendu d'activité", text: (d) => said(d.activity ?? '') },
  YearClosed: { label: 'Exercice clôturé', text: closingText },
  YearUnlocked: { label: "Exercice rouvert par l'association départementale", text: (d) => said(`Raison : ${d.reason ?? ''}`) },
  YearLocked: { label: 'Exercice verrouillé de nouveau', text: closingText },
  OpeningChangeSeen: {
    label: 'Nouvelle ouverture vue par le mandataire',
    text: (d) => said(`Banque ${formatEuros(d.bank)} ; caisse ${formatEuros(d.cash)}`),
  },
  QuitusInvited: { label: 'QuitusInvited', text: nothingSaid },
  QuitusGiven: { label: 'QuitusGiven', text: nothingSaid },
  SubmissionDocumentAttached: { label: 'SubmissionDocumentAttached', text: nothingSaid },
  SubmissionSent: { label: 'SubmissionSent', text: nothingSaid },
  SubmissionAccepted: { label: 'SubmissionAccepted', text: nothingSaid },
  SubmissionReturned: { label: 'SubmissionReturned', text: nothingSaid },
};

const textOf = <T extends HistoryEventType>(type: T, data: HistoryData[T], soFar: HistorySoFar): EventText => EVENT_VIEWS[type].text(data, soFar);

/** A stored event of a coop's history (its identity stream or one of its years) with its catalog type. */
const historyEvent = (event: RecordedEvent): RecordedLedgerEvent | RecordedCoopEvent =>
  parseStream(event.stream)?.category === 'ledger' ? asLedgerEvent(event) : asCoopEvent(event);

export interface HistoryRow {
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

/** Every event of the history, with what it says in French; deleted entries stay, marked. */
export function historyRows(recorded: readonly RecordedEvent[]): HistoryRow[] {
  const events = recorded.map(historyEvent);
  const deleted = new Set(events.flatMap((e) => (e.type === 'EntryDeleted' ? [e.data.entryId] : [])));
  const soFar: HistorySoFar = { entries: new Map(), inventory: new Map() };
  return events.map((event) => {
    const item = historyItem(event);
    // A type outside the catalog (a stream written by hand) still shows, under its own name.
    const known = Object.hasOwn(EVENT_VIEWS, event.type);
    const text = known ? textOf(event.type, event.data, soFar) : nothingSaid();
    return {
      position: item.position,
      streamLabel: item.year === null ? 'Identité' : `Exercice ${item.year}-${item.year + 1}`,
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
