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
