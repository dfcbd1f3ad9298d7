import { type RecordedEvent } from './envelope';
import { type ChartEvent, type CoopEvent } from './coop-events';
import { type DepartmentEvent } from './department-events';
import { type LedgerEventType } from './ledger-events';
import { type MembershipEvent } from './membership-events';

type EventType = LedgerEventType | CoopEvent['type'] | ChartEvent['type'] | DepartmentEvent['type'] | MembershipEvent['type'];

/**
 * The current schema version of every event type; new events are written with it. Typed on
 * the catalog so a new event type cannot be forgotten here.
 */
const CURRENT_VERSIONS: Record<EventType, number> = {
  OpeningBalanceDeclared: 1,
  EntryRecorded: 1,
  EntryAmended: 1,
  EntryDeleted: 1,
  EntryReconciled: 1,
  EntryUnreconciled: 1,
  CarriedOverItemSeen: 1,
  CarriedOverItemUnseen: 1,
  StatementDeclared: 1,
  StatementImported: 1,
  StatementDeleted: 1,
  CashCounted: 1,
  SubsidiesDeclared: 1,
  InventoryItemAdded: 1,
  InventoryItemRemoved: 1,
  VoucherAttached: 1,
  ActivityReported: 1,
  YearClosed: 1,
  EntriesValidated: 1,
  YearUnlocked: 1,
  YearLocked: 1,
  QuitusInvited: 2,
  QuitusGiven: 1,
  SubmissionDocumentAttached: 1,
  SubmissionSent: 1,
  SubmissionAccepted: 1,
  SubmissionReturned: 1,
  OpeningChangeSeen: 1,
  PaymentRecorded: 1,
  PaymentAmended: 1,
  PaymentDeleted: 1,
  PaymentsDeposited: 1,
  DepositCancelled: 1,
  CoopRegistered: 1,
  CoopIdentityChanged: 1,
  CoopContactChanged: 1,
  MandataireAppointed: 1,
  MandateEnded: 1,
  AccountAdded: 1,
  AccountRenamed: 1,
  AccountRetired: 1,
  DepartmentIdentityChanged: 1,
  MembershipSettingsSet: 1,
  MembershipNumbersEntered: 1,
  MembershipEngagementGiven: 1,
  MembershipSubmitted: 1,
  MembershipValidated: 1,
  MembershipReturned: 1,
};
export const SCHEMA_VERSIONS: Record<string, number> = CURRENT_VERSIONS;

/** Turns an event of version n into the same event at version n + 1. */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;
/** By type, then by the version an upcaster reads. */
export type UpcasterRegistry = Record<string, Record<number, Upcaster>>;

export const UPCASTERS: UpcasterRegistry = {
  // v1 showed the code to the mandataire, who handed it over: a paper invitation, no address.
  QuitusInvited: {
    1: (event) => ({
      ...event,
      data: { ...(event.data as object), delivery: 'paper', sentTo: null },
      metadata: { ...event.metadata, schemaVersion: 2 },
    }),
  },
};

/**
 * Builds the read-side conversion: an old event goes through each step up to the current
 * version. The stored event is never rewritten, so the hash chain is verified on what the
 * store returns, before upcasting (an upcast event no longer matches its hash).
 */
export function createUpcast(versions: Record<string, number>, upcasters: UpcasterRegistry): (event: RecordedEvent) => RecordedEvent {
  return (event) => {
    const target = versions[event.type];
    if (target === undefined) return event;
    let current = event;
    while (current.metadata.schemaVersion < target) {
      const from = current.metadata.schemaVersion;
      const step = upcasters[current.type]?.[from];
      if (!step) throw new Error(`Aucun upcaster pour ${current.type} v${from} (version courante ${target}), événement ${event.id}`);
      const next = step(current);
      if (next.metadata.schemaVersion !== from + 1) {
        throw new Error(`L'upcaster de ${current.type} v${from} doit produire la version ${from + 1}`);
      }
      current = next;
    }
    if (current.metadata.schemaVersion > target) {
      throw new Error(`${event.type} v${current.metadata.schemaVersion} est plus récent que ce programme (v${target})`);
    }
    return current;
  };
}

/** Brings an event read from the store to the current version of its type. Adapters never call it. */
export const upcast: (event: RecordedEvent) => RecordedEvent = createUpcast(SCHEMA_VERSIONS, UPCASTERS);
