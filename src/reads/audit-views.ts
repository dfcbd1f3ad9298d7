import { DomainError } from '../domain/errors';
import { formatFrenchDate, isIsoDate } from '../domain/fiscal-year';
import { formatEuros } from '../domain/money';
import { type CoopRegistered } from '../events/coop-events';
import {
  type CashCounted,
  type EntryContent,
  type EntryLine,
  type InventoryItemAdded,
  type OpeningBalanceDeclared,
  type SubsidiesDeclared,
  type VoucherAttached,
  type YearClosed,
  type YearLocked,
} from '../events/ledger-events';
import { type HistoryItem } from './history';

/** The auditor's pages' views of the history: French labels, one line of what each event says. */

const TYPE_LABELS: Record<string, string> = {
  CoopRegistered: 'Coopérative enregistrée',
  CoopIdentityChanged: 'Identité modifiée',
  OpeningBalanceDeclared: "Existence au début de l'exercice",
  EntryRecorded: 'Écriture saisie',
  EntryAmended: 'Écriture modifiée',
  EntryDeleted: 'Écriture supprimée',
  EntryReconciled: 'Écriture pointée',
  EntryUnreconciled: 'Pointage annulé',
  CarriedOverItemSeen: 'Report vu sur le relevé',
  CashCounted: 'Arrêté de caisse',
  SubsidiesDeclared: 'Tableau des subventions',
  InventoryItemAdded: "Bien inscrit à l'inventaire",
  InventoryItemRemoved: "Bien sorti de l'inventaire",
  VoucherAttached: 'Pièce justificative jointe',
  ActivityReported: "Compte-rendu d'activité",
  YearClosed: 'Exercice clôturé',
  YearUnlocked: "Exercice rouvert par l'association départementale",
  YearLocked: 'Exercice verrouillé de nouveau',
};

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
export function historyRows(items: readonly HistoryItem[]): HistoryRow[] {
  const deleted = new Set(items.filter((i) => i.type === 'EntryDeleted').map((i) => (i.data as { entryId: string }).entryId));
  const entries = new Map<string, EntryContent>();
  const inventory = new Map<string, string>();
  return items.map((item) => {
    const data = item.data as Record<string, unknown>;
    const entryId = typeof data.entryId === 'string' ? data.entryId : null;
    let summary = '';
    let details: string | null = null;
    switch (item.type) {
      case 'CoopRegistered':
      case 'CoopIdentityChanged': {
        const d = data as unknown as CoopRegistered;
        summary = [d.name, d.school, d.uai ? `UAI ${d.uai}` : null].filter(Boolean).join(' — ');
        details = d.mandataires?.length ? `Mandataires : ${d.mandataires.join(', ')}` : null;
        break;
      }
      case 'OpeningBalanceDeclared': {
        const d = data as unknown as OpeningBalanceDeclared;
        summary = `Banque ${formatEuros(d.bank)} ; caisse ${formatEuros(d.cash)} au ${formatFrenchDate(d.date)}`;
        break;
      }
      case 'EntryRecorded':
      case 'EntryAmended': {
        const content = data as unknown as EntryContent;
        entries.set(entryId!, content);
        summary = entryText(content);
        details = linesText(content.lines);
        break;
      }
      case 'EntryDeleted': {
        const previous = (data as { previous: EntryContent }).previous;
        summary = `${entryText(previous)} (supprimée)`;
        details = linesText(previous.lines);
        break;
      }
      case 'EntryReconciled':
      case 'EntryUnreconciled':
      case 'CarriedOverItemSeen':
      case 'VoucherAttached': {
        const content = entryId ? entries.get(entryId) : undefined;
        summary = content ? entryText(content) : `Écriture ${entryId ?? ''}`;
        if (typeof data.statementDate === 'string') details = `Relevé du ${formatFrenchDate(data.statementDate)}`;
        if (item.type === 'VoucherAttached') {
          const d = data as unknown as VoucherAttached;
          details = `${d.fileName} (SHA-256 ${d.sha256.slice(0, 16)}…)`;
        }
        break;
      }
      case 'CashCounted': {
        const d = data as unknown as CashCounted;
        summary = `${formatEuros(d.total)} comptés le ${formatFrenchDate(d.date)}`;
        break;
      }
      case 'SubsidiesDeclared': {
        const d = data as unknown as SubsidiesDeclared;
        summary = `${d.rows.length} ligne(s), ${formatEuros(d.rows.reduce((s, r) => s + r.amount, 0))}`;
        break;
      }
      case 'InventoryItemAdded': {
        const d = data as unknown as InventoryItemAdded;
        inventory.set(d.itemId, d.designation);
        summary = `${d.designation} — ${d.quantity} × ${formatEuros(d.value)}`;
        break;
      }
      case 'InventoryItemRemoved':
        summary = inventory.get(String(data.itemId)) ?? String(data.itemId);
        break;
      case 'ActivityReported':
        summary = String(data.activity ?? '');
        break;
      case 'YearClosed':
      case 'YearLocked': {
        const d = data as unknown as YearClosed & YearLocked;
        summary = `${d.closedOn ? `Clôturé le ${formatFrenchDate(d.closedOn)} — ` : ''}banque ${formatEuros(d.bank)}, caisse ${formatEuros(d.cash)}, résultat ${formatEuros(d.result)}`;
        break;
      }
      case 'YearUnlocked':
        summary = `Raison : ${String(data.reason ?? '')}`;
        break;
    }
    return {
      position: item.position,
      streamLabel: item.year === null ? 'Identité' : `Exercice ${item.year}-${item.year + 1}`,
      year: item.year,
      revision: item.revision,
      type: item.type,
      typeLabel: TYPE_LABELS[item.type] ?? item.type,
      actor: item.metadata.actor,
      role: ROLE_LABELS[item.metadata.role] ?? item.metadata.role,
      at: item.metadata.at,
      when: parisMoment(item.metadata.at),
      summary,
      details,
      changes: (item.changes ?? []).map((c) => ({
        field: FIELD_LABELS[c.field] ?? c.field,
        before: valueText(c.field, c.before),
        after: valueText(c.field, c.after),
      })),
      deleted: entryId !== null && deleted.has(entryId) && item.type.startsWith('Entry'),
      hash: item.metadata.hash,
    };
  });
}
