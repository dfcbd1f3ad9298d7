import { type RecordedEvent } from './envelope';

/** Events of `coop-<coopId>` (identity, kept by the department) and `chart-<dept>-<year>`. */
export interface CoopIdentity {
  name: string;
  school: string | null;
  uai: string | null;
  mandataires: string[];
}
export interface CoopRegistered extends CoopIdentity {
  coopId: string;
  department: string;
  /** the coop's first fiscal year */ firstYear: number;
}
export type CoopIdentityChanged = CoopIdentity;
/**
 * What the coop's mandataire may keep up to date themselves (the guide's "Identité de la coop",
 * the fields the AD leaves open): the school's address, phone and e-mail, the mandataires' names.
 * Name, school, UAI stay the department's (CoopIdentityChanged).
 */
export interface CoopContactChanged {
  address: string | null;
  phone: string | null;
  email: string | null;
  mandataires: string[];
}

/** The department gives a person a mandate on the coop: their own login, name and e-mail. */
export interface MandataireAppointed {
  username: string;
  name: string;
  email: string;
  /** The first day the login acts for the coop. */
  since: string;
}
/** The handover: from `until` the login has no access to the coop. */
export interface MandateEnded {
  username: string;
  until: string;
}

export type CoopEvent =
  | { type: 'CoopRegistered'; data: CoopRegistered }
  | { type: 'CoopIdentityChanged'; data: CoopIdentityChanged }
  | { type: 'CoopContactChanged'; data: CoopContactChanged }
  | { type: 'MandataireAppointed'; data: MandataireAppointed }
  | { type: 'MandateEnded'; data: MandateEnded };

/** A stored event of a `coop-` stream with its catalog type: narrowing on `type` gives its `data`. */
export type RecordedCoopEvent = { [E in CoopEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[CoopEvent['type']];

/** Events of a `coop-` stream are the catalog's, upcast to its current versions when read (as asLedgerEvent). */
export const asCoopEvent = (event: RecordedEvent): RecordedCoopEvent => event as RecordedCoopEvent;

export type AccountKind = 'treasury' | 'advance' | 'charge' | 'product';
/** What the ledger's rules look an account up for: the subsidies (741), the OCCE membership, the insurance, durable goods. */
export type AccountRole = 'subsidies' | 'membership' | 'insurance' | 'durableGoods';
/** role: absent in events recorded before roles existed, and for an account without one. */
export interface AccountAdded {
  account: string;
  label: string;
  kind: AccountKind;
  role?: AccountRole;
}
export interface AccountRenamed {
  account: string;
  label: string;
}
export interface AccountRetired {
  account: string;
}

export type ChartEvent =
  { type: 'AccountAdded'; data: AccountAdded } | { type: 'AccountRenamed'; data: AccountRenamed } | { type: 'AccountRetired'; data: AccountRetired };

/** A stored event of a `chart-` stream with its catalog type (as asLedgerEvent). */
export type RecordedChartEvent = { [E in ChartEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[ChartEvent['type']];
export const asChartEvent = (event: RecordedEvent): RecordedChartEvent => event as RecordedChartEvent;
