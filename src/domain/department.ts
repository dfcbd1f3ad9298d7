import { type DepartmentEvent, type DepartmentIdentity } from '../events/department-events';
import { DomainError, ValidationFailed } from './errors';
import { type MembershipSettings, validSettings } from './membership';

/** The departmental association (stream department-<dept>): its identity, kept by its treasurer. */
export interface DepartmentState {
  department: string;
  identity: DepartmentIdentity | null;
  /** The membership rates and deadline, by school year. */
  membership: Map<number, MembershipSettings>;
}

export type DepartmentCommand =
  | { type: 'ChangeDepartmentIdentity'; identity: DepartmentIdentityInput }
  | { type: 'SetMembershipSettings'; year: number; rates?: unknown; deadline?: unknown };

export interface DepartmentIdentityInput {
  name?: unknown;
  /** 9 digits, or a SIRET's 14 (the SIREN is then its first 9). */
  siren?: unknown;
  siret?: unknown;
  address?: unknown;
}

export const initialDepartmentState = (department: string): DepartmentState => ({ department, identity: null, membership: new Map() });

/** The Luhn key INSEE puts on SIREN and SIRET numbers: a mistyped digit fails it. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Spaces and dots people type between groups ("123 456 789") are not part of the number. */
const digitsOf = (value: unknown): string => (typeof value === 'string' ? value.replace(/[\s.\u00a0]/g, '') : '');
const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.trim().slice(0, max) : '');

export const SIREN_FORMAT = /^\d{9}$/;
const SIRET_FORMAT = /^\d{14}$/;

function validIdentity(input: DepartmentIdentityInput): DepartmentIdentity {
  const errors: DomainError[] = [];
  const name = text(input.name, 200);
  if (!name) errors.push(new DomainError('NAME_REQUIRED', "Le nom de l'association départementale est obligatoire.", 'name'));
  let siren = digitsOf(input.siren);
  let siret: string | null = digitsOf(input.siret) || null;
  if (SIRET_FORMAT.test(siren) && siret === null) [siren, siret] = [siren.slice(0, 9), siren];
  if (!siren) errors.push(new DomainError('SIREN_REQUIRED', 'Le numéro SIREN est obligatoire (9 chiffres) : il nomme les fichiers FEC.', 'siren'));
  else if (!SIREN_FORMAT.test(siren) || !luhnValid(siren)) {
    errors.push(new DomainError('SIREN_INVALID', "Ce numéro SIREN n'est pas valide : 9 chiffres dont le dernier est une clé de contrôle.", 'siren'));
  }
  if (siret !== null && (!SIRET_FORMAT.test(siret) || !luhnValid(siret))) {
    errors.push(new DomainError('SIRET_INVALID', "Ce numéro SIRET n'est pas valide : 14 chiffres dont le dernier est une clé de contrôle.", 'siret'));
  } else if (siret !== null && SIREN_FORMAT.test(siren) && !siret.startsWith(siren)) {
    errors.push(new DomainError('SIRET_INVALID', 'Le numéro SIRET commence par le SIREN (ses 9 premiers chiffres).', 'siret'));
  }
  const address = text(input.address, 500);
  if (!address) errors.push(new DomainError('ADDRESS_REQUIRED', "L'adresse de l'association est obligatoire.", 'address'));
  if (errors.length) throw new ValidationFailed(errors);
  return { name, siren, siret, address };
}

export function decideDepartment(command: DepartmentCommand, state: DepartmentState): DepartmentEvent[] {
  switch (command.type) {
    case 'ChangeDepartmentIdentity': {
      const identity = validIdentity(command.identity);
      const current = state.identity;
      // The same identity again (a form saved twice) changes nothing.
      if (current && Object.entries(identity).every(([k, v]) => current[k as keyof DepartmentIdentity] === v)) return [];
      return [{ type: 'DepartmentIdentityChanged', data: { department: state.department, ...identity } }];
    }
    case 'SetMembershipSettings': {
      const settings = validSettings(command);
      const current = state.membership.get(command.year);
      if (current && JSON.stringify(current) === JSON.stringify(settings)) return [];
      return [{ type: 'MembershipSettingsSet', data: { department: state.department, year: command.year, ...settings } }];
    }
  }
}

export function evolveDepartment(state: DepartmentState, event: DepartmentEvent): DepartmentState {
  switch (event.type) {
    case 'DepartmentIdentityChanged': {
      const { department: _department, ...identity } = event.data;
      return { ...state, identity };
    }
    case 'MembershipSettingsSet': {
      const membership = new Map(state.membership);
      membership.set(event.data.year, { rates: event.data.rates, deadline: event.data.deadline });
      return { ...state, membership };
    }
  }
}
