import { type CoopEvent, type CoopIdentity, type CoopRegistered } from '../events/coop-events';
import { ID_PATTERN } from '../events/streams';
import { DomainError, ValidationFailed } from './errors';

/** The identity of a cooperative (stream coop-<coopId>), kept by its department. */
export interface CoopState {
  registered: boolean;
  coopId: string | null;
  department: string | null;
  firstYear: number | null;
  identity: CoopIdentity | null;
}

export type CoopCommand =
  | { type: 'RegisterCoop'; coopId: string; department: string; firstYear: number; identity: CoopIdentityInput }
  | { type: 'ChangeCoopIdentity'; identity: CoopIdentityInput };

export interface CoopIdentityInput {
  name?: unknown;
  school?: unknown;
  uai?: unknown;
  mandataires?: unknown;
}

export const initialCoopState = (): CoopState => ({ registered: false, coopId: null, department: null, firstYear: null, identity: null });

/** UAI (code of a French school): 7 digits and a letter, e.g. 0141234A. */
const UAI = /^\d{7}[A-Za-z]$/;

const optionalText = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null);

/** The identity as recorded, and what is wrong with the input (every problem at once). */
function identityOf(input: CoopIdentityInput): { identity: CoopIdentity; errors: DomainError[] } {
  const errors: DomainError[] = [];
  const name = optionalText(input.name);
  if (!name) errors.push(new DomainError('NAME_REQUIRED', 'Le nom de la coopérative est obligatoire.', 'name'));
  const uai = optionalText(input.uai);
  if (uai && !UAI.test(uai)) errors.push(new DomainError('UAI_INVALID', 'Le code UAI comporte 7 chiffres et une lettre (ex. 0141234A).', 'uai'));
  const mandataires = Array.isArray(input.mandataires)
    ? input.mandataires.map(optionalText).filter((m): m is string => m !== null)
    : typeof input.mandataires === 'string'
      ? input.mandataires
          .split(/[,\n]/)
          .map(optionalText)
          .filter((m): m is string => m !== null)
      : [];
  return { identity: { name: name ?? '', school: optionalText(input.school), uai: uai ? uai.toUpperCase() : null, mandataires }, errors };
}

function validIdentity(input: CoopIdentityInput): CoopIdentity {
  const { identity, errors } = identityOf(input);
  if (errors.length) throw new ValidationFailed(errors);
  return identity;
}

type Registration = Extract<CoopCommand, { type: 'RegisterCoop' }>;

/**
 * What is wrong with a registration, every field at once: the treasurer's page checks it with the
 * new login before anything is recorded, and the decision refuses the same.
 */
export function registrationErrors(command: Registration): DomainError[] {
  const errors: DomainError[] = [];
  if (!ID_PATTERN.test(command.coopId))
    errors.push(
      new DomainError('COOP_ID_INVALID', "L'identifiant de la coopérative ne contient que des lettres, des chiffres ou « _ » (40 au plus).", 'coopId'),
    );
  if (!ID_PATTERN.test(command.department)) errors.push(new DomainError('DEPARTMENT_INVALID', 'Le département est invalide (ex. 14).', 'department'));
  return [...errors, ...identityOf(command.identity).errors];
}

export const coopExists = (coopId: string): DomainError => new DomainError('COOP_EXISTS', `La coopérative ${coopId} existe déjà.`, 'coopId', 'conflict');

export function decideCoop(command: CoopCommand, state: CoopState): CoopEvent[] {
  switch (command.type) {
    case 'RegisterCoop': {
      if (state.registered) throw coopExists(command.coopId);
      const errors = registrationErrors(command);
      if (errors.length) throw new ValidationFailed(errors);
      const data: CoopRegistered = {
        coopId: command.coopId,
        department: command.department,
        firstYear: command.firstYear,
        ...identityOf(command.identity).identity,
      };
      return [{ type: 'CoopRegistered', data }];
    }
    case 'ChangeCoopIdentity':
      if (!state.registered) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
      return [{ type: 'CoopIdentityChanged', data: validIdentity(command.identity) }];
  }
}

export function evolveCoop(state: CoopState, event: CoopEvent): CoopState {
  switch (event.type) {
    case 'CoopRegistered': {
      const { coopId, department, firstYear, ...identity } = event.data;
      return { registered: true, coopId, department, firstYear, identity };
    }
    case 'CoopIdentityChanged':
      return { ...state, identity: { ...event.data } };
  }
}
