import { type CoopContactChanged, type CoopEvent, type CoopIdentity, type CoopRegistered } from '../events/coop-events';
import { isIsoDate } from './fiscal-year';
import { ID_PATTERN } from '../events/streams';
import { DomainError, ValidationFailed } from './errors';

/** The identity of a cooperative (stream coop-<coopId>), kept by its department. */
export interface CoopState {
  registered: boolean;
  coopId: string | null;
  department: string | null;
  firstYear: number | null;
  identity: CoopIdentity | null;
  contact: CoopContactChanged | null;
  /** The personal mandates recorded on the stream (a shared login of old has none until it ends). */
  mandates: Mandate[];
}

export interface Mandate {
  username: string;
  name: string;
  since: string;
  until: string | null;
}

export type CoopCommand =
  | { type: 'RegisterCoop'; coopId: string; department: string; firstYear: number; identity: CoopIdentityInput }
  | { type: 'ChangeCoopIdentity'; identity: CoopIdentityInput }
  | { type: 'ChangeCoopContact'; contact: CoopContactInput }
  /** `since`: today, as the handler reads the clock. */
  | { type: 'AppointMandataire'; username: string; name: unknown; email: unknown; since: string }
  /** `until` as typed (a date), or absent for `today`. */
  | { type: 'EndMandate'; username: string; until?: unknown; today: string };

/** The mandataire's fields of the identity, as a form or JSON sends them. */
export interface CoopContactInput {
  address?: unknown;
  phone?: unknown;
  email?: unknown;
  mandataires?: unknown;
}

export interface CoopIdentityInput {
  name?: unknown;
  school?: unknown;
  uai?: unknown;
  mandataires?: unknown;
}

export const initialCoopState = (): CoopState => ({
  registered: false,
  coopId: null,
  department: null,
  firstYear: null,
  identity: null,
  contact: null,
  mandates: [],
});

/** UAI (code of a French school): 7 digits and a letter, e.g. 0141234A. */
const UAI = /^\d{7}[A-Za-z]$/;

const optionalText = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null);

/** Names as a list, or typed one per line or separated by commas. */
const namesOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(optionalText).filter((m): m is string => m !== null)
    : typeof value === 'string'
      ? value
          .split(/[,\n]/)
          .map(optionalText)
          .filter((m): m is string => m !== null)
      : [];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** An e-mail address as people type one (bounded: 254 characters at most, RFC 5321). */
export const isEmailAddress = (text: string): boolean => text.length <= 254 && EMAIL.test(text);
/** A French number (10 digits, or +33 and 9), spaces, dots and dashes between groups allowed. */
const PHONE = /^(?:0\d{9}|\+33\d{9})$/;

function validContact(input: CoopContactInput): CoopContactChanged {
  const errors: DomainError[] = [];
  const address = typeof input.address === 'string' && input.address.trim() !== '' ? input.address.trim().replace(/\r\n/g, '\n').slice(0, 500) : null;
  const phone = optionalText(input.phone);
  if (phone && !PHONE.test(phone.replace(/[\s.\-\u00a0]/g, ''))) {
    errors.push(new DomainError('PHONE_INVALID', 'Le numéro de téléphone comporte 10 chiffres (ex. 02 31 12 34 56).', 'phone'));
  }
  const email = optionalText(input.email);
  if (email && !isEmailAddress(email))
    errors.push(new DomainError('EMAIL_INVALID', "L'adresse électronique n'est pas valide (ex. ce.0141234a@ac-caen.fr).", 'email'));
  const mandataires = namesOf(input.mandataires);
  if (mandataires.length === 0) errors.push(new DomainError('MANDATAIRE_REQUIRED', 'Indiquez au moins un mandataire (prénom et nom).', 'mandataires'));
  if (errors.length) throw new ValidationFailed(errors);
  return { address, phone, email: email ? email.toLowerCase() : null, mandataires };
}

/** The identity as recorded, and what is wrong with the input (every problem at once). */
function identityOf(input: CoopIdentityInput): { identity: CoopIdentity; errors: DomainError[] } {
  const errors: DomainError[] = [];
  const name = optionalText(input.name);
  if (!name) errors.push(new DomainError('NAME_REQUIRED', 'Le nom de la coopérative est obligatoire.', 'name'));
  const uai = optionalText(input.uai);
  if (uai && !UAI.test(uai)) errors.push(new DomainError('UAI_INVALID', 'Le code UAI comporte 7 chiffres et une lettre (ex. 0141234A).', 'uai'));
  const mandataires = namesOf(input.mandataires);
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

const coopNotFound = (): DomainError => new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');

/** A new mandataire's name and e-mail, every problem at once (the page checks them with the login). */
export function mandataireErrors(input: { name?: unknown; email?: unknown }): DomainError[] {
  const errors: DomainError[] = [];
  if (!optionalText(input.name)) errors.push(new DomainError('NAME_REQUIRED', 'Indiquez le prénom et le nom du mandataire.', 'name'));
  const email = optionalText(input.email);
  if (!email) errors.push(new DomainError('EMAIL_REQUIRED', "Indiquez l'adresse électronique du mandataire : les messages lui sont envoyés.", 'email'));
  else if (!isEmailAddress(email))
    errors.push(new DomainError('EMAIL_INVALID', "L'adresse électronique n'est pas valide (ex. prenom.nom@ac-caen.fr).", 'email'));
  return errors;
}

/** The first day without access: the date given, or today; a date that is not one is refused. */
export function mandateEndDate(until: unknown, today: string): string {
  const date = until === undefined || until === null || until === '' ? today : until;
  if (!isIsoDate(date)) throw new DomainError('DATE_INVALID', 'La date de fin du mandat est une date (ex. 2026-12-31).', 'date');
  return date;
}

const activeMandate = (state: CoopState, username: string): Mandate | undefined => state.mandates.find((m) => m.username === username && m.until === null);

export function decideCoop(command: CoopCommand, state: CoopState): CoopEvent[] {
  switch (command.type) {
    case 'AppointMandataire': {
      if (!state.registered) throw coopNotFound();
      const errors = mandataireErrors(command);
      if (errors.length) throw new ValidationFailed(errors);
      if (activeMandate(state, command.username)) {
        throw new DomainError('MANDATAIRE_EXISTS', `${command.username} est déjà mandataire de la coopérative.`, 'username', 'conflict');
      }
      const email = optionalText(command.email)!.toLowerCase();
      return [{ type: 'MandataireAppointed', data: { username: command.username, name: optionalText(command.name)!, email, since: command.since } }];
    }
    case 'EndMandate': {
      if (!state.registered) throw coopNotFound();
      const until = mandateEndDate(command.until, command.today);
      if (state.mandates.some((m) => m.username === command.username && m.until !== null)) {
        throw new DomainError('MANDATE_ENDED', `Le mandat de ${command.username} a déjà pris fin.`, 'username', 'conflict');
      }
      return [{ type: 'MandateEnded', data: { username: command.username, until } }];
    }
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
      if (!state.registered) throw coopNotFound();
      return [{ type: 'CoopIdentityChanged', data: validIdentity(command.identity) }];
    case 'ChangeCoopContact': {
      if (!state.registered) throw coopNotFound();
      const data = validContact(command.contact);
      const current = {
        address: state.contact?.address ?? null,
        phone: state.contact?.phone ?? null,
        email: state.contact?.email ?? null,
        mandataires: state.identity?.mandataires ?? [],
      };
      // Saving the form unchanged records nothing.
      return JSON.stringify(data) === JSON.stringify(current) ? [] : [{ type: 'CoopContactChanged', data }];
    }
  }
}

export function evolveCoop(state: CoopState, event: CoopEvent): CoopState {
  switch (event.type) {
    case 'CoopRegistered': {
      const { coopId, department, firstYear, ...identity } = event.data;
      return { registered: true, coopId, department, firstYear, identity, contact: null, mandates: [] };
    }
    case 'CoopIdentityChanged':
      return { ...state, identity: { ...event.data } };
    case 'CoopContactChanged':
      return { ...state, identity: state.identity && { ...state.identity, mandataires: [...event.data.mandataires] }, contact: { ...event.data } };
    case 'MandataireAppointed':
      return { ...state, mandates: [...state.mandates, { username: event.data.username, name: event.data.name, since: event.data.since, until: null }] };
    case 'MandateEnded': {
      const { username, until } = event.data;
      const known = state.mandates.some((m) => m.username === username);
      // A shared login of old, never appointed on the stream, ends all the same.
      const mandates = known ? state.mandates : [...state.mandates, { username, name: username, since: '', until: null }];
      return { ...state, mandates: mandates.map((m) => (m.username === username && m.until === null ? { ...m, until } : m)) };
    }
  }
}
