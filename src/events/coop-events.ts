/** Events of `coop-<coopId>` (identity, kept by the department) and `chart-<dept>-<year>`. */
export interface CoopIdentity {
  name: string;
  school: string | null;
  uai: string | null;
  mandataires: string[];
}
export interface CoopRegistered extends CoopIdentity { coopId: string; department: string; /** the coop's first fiscal year */ firstYear: number }
export type CoopIdentityChanged = CoopIdentity;

export type CoopEvent =
  | { type: 'CoopRegistered'; data: CoopRegistered }
  | { type: 'CoopIdentityChanged'; data: CoopIdentityChanged };

export type AccountKind = 'treasury' | 'advance' | 'charge' | 'product';
export interface AccountAdded { account: string; label: string; kind: AccountKind }
export interface AccountRenamed { account: string; label: string }
export interface AccountRetired { account: string }

export type ChartEvent =
  | { type: 'AccountAdded'; data: AccountAdded }
  | { type: 'AccountRenamed'; data: AccountRenamed }
  | { type: 'AccountRetired'; data: AccountRetired };
