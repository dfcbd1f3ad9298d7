import { type RecordedEvent } from './envelope';

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

export type DepartmentEvent = { type: 'DepartmentIdentityChanged'; data: DepartmentIdentityChanged };

/** A stored event of a `department-` stream with its catalog type (as asLedgerEvent). */
export type RecordedDepartmentEvent = { [E in DepartmentEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[DepartmentEvent['type']];
export const asDepartmentEvent = (event: RecordedEvent): RecordedDepartmentEvent => event as RecordedDepartmentEvent;
