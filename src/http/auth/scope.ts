import { type Role } from '../../events/envelope';

/**
 * Who may see and change what, as pure functions of the user and the coop's department. Outside
 * read scope a resource does not exist for the caller (404); inside it, a refused change is 403.
 */
export interface ScopedUser {
  role: Role;
  department?: string;
  coopId?: string;
  grants?: { departments: string[]; coops: string[] };
}

export interface CoopRef {
  coopId: string;
  department: string;
}

/**
 * What a change touches: the notebook itself (entries, closing, cash counts… the mandataire's
 * job), the coop's identity and credentials, or the lock of a closed year (both the department's job).
 */
export type CoopWrite = 'ledger' | 'identity' | 'lock';

const auditorHasDepartment = (user: ScopedUser, department: string): boolean =>
  user.department === department || (user.grants?.departments ?? []).includes(department);

export function canReadCoop(user: ScopedUser, coop: CoopRef): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'mandataire':
      return user.coopId === coop.coopId;
    case 'treasurer':
      return user.department === coop.department;
    case 'auditor':
      return auditorHasDepartment(user, coop.department) || (user.grants?.coops ?? []).includes(coop.coopId);
  }
}

export function canWriteCoop(user: ScopedUser, coop: CoopRef, what: CoopWrite = 'ledger'): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'mandataire':
      return what === 'ledger' && user.coopId === coop.coopId;
    case 'treasurer':
      // The treasurer reads the books, keeps coops' identities and locks their closed years; entries are the mandataire's.
      return what !== 'ledger' && user.department === coop.department;
    case 'auditor':
      return false;
  }
}

export function canReadDepartment(user: ScopedUser, department: string): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'treasurer':
      return user.department === department;
    case 'auditor':
      return auditorHasDepartment(user, department);
    case 'mandataire':
      return false;
  }
}

/** Creating coops, setting their credentials: the department's treasurer, or an admin. */
export function canManageDepartment(user: ScopedUser, department: string): boolean {
  return user.role === 'admin' || (user.role === 'treasurer' && user.department === department);
}
