import { type RecordedEvent } from './envelope';
import { type MembershipRates } from './membership-events';

/** Events of `department-<dept>`: the departmental association (AD) itself, kept by its treasurer. */
export interface DepartmentIdentity {
  /** The association's name, e.g. "OCCE 14 — Association départementale du Calvados". */
  name: string;
  /** 9 digits: names the department's FEC files. */
  siren: string;
  /** 14 digits starting with the SIREN (the establishment), when known. */
  siret: string | null;
  address: string;
}
export type DepartmentIdentityChanged = DepartmentIdentity & { department: string };

/** The AD's membership rates and deadline for one school year (set again: the new ones stand). */
export interface MembershipSettingsSet {
  department: string;
  year: number;
  rates: MembershipRates;
  deadline: string;
}

export type DepartmentEvent =
  { type: 'DepartmentIdentityChanged'; data: DepartmentIdentityChanged } | { type: 'MembershipSettingsSet'; data: MembershipSettingsSet };

/** A stored event of a `department-` stream with its catalog type (as asLedgerEvent). */
export type RecordedDepartmentEvent = { [E in DepartmentEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[DepartmentEvent['type']];
export const asDepartmentEvent = (event: RecordedEvent): RecordedDepartmentEvent => event as RecordedDepartmentEvent;
