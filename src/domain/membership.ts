import { type EntryLine } from '../events/ledger-events';
import { type MembershipClass, type MembershipDue, type MembershipEvent, type MembershipNumbers, type MembershipRates } from '../events/membership-events';
import { accountWithRole, activeAccount, BANK, type Chart } from './chart';
import { DomainError, ValidationFailed } from './errors';
import { type IsoDate, parseFrenchDate } from './fiscal-year';
import { type Cents, formatEuros, MAX_LINE_CENTS } from './money';
import { isNonNegativeCents, optionalText } from './ledger/entries/validation';

/**
 * A coop's membership (adhésion) of its departmental association for one school year, on its own
 * stream `membership-<coopId>-<year>`: the numbers (classes, adults, magazines, a voluntary
 * contribution), the mandataire's engagement, the submission, the AD's validation or return.
 * The AD's rates and deadline for the year are on the department's stream.
 */

export type MembershipStatus = 'draft' | 'submitted' | 'validated' | 'returned';

export interface MembershipSettings {
  rates: MembershipRates;
  deadline: IsoDate;
}

export interface MembershipState {
  coopId: string;
  year: number;
  status: MembershipStatus;
  numbers: MembershipNumbers;
  engagement: { name: string; at: string } | null;
  /** The first submission's day: lateness is judged on it (a return to correct is not lateness). */
  firstSubmittedOn: IsoDate | null;
  submittedOn: IsoDate | null;
  /** Frozen at the last submission: what the AD validates and the attestation and payment show. */
  submitted: { rates: MembershipRates; due: MembershipDue } | null;
  validatedOn: IsoDate | null;
  /** The AD's reason, while the membership stands returned. */
  reason: string | null;
}

export type MembershipCommand =
  | { type: 'EnterMembershipNumbers'; numbers: MembershipNumbersInput }
  | { type: 'GiveMembershipEngagement'; name: unknown }
  | { type: 'SubmitMembership' }
  | { type: 'DecideMembership'; decision: unknown; reason?: unknown };

/** As a form or JSON gives them: checked by the decider. */
export interface MembershipNumbersInput {
  classes?: unknown;
  otherAdults?: unknown;
  magazines?: unknown;
  voluntary?: unknown;
}

export interface MembershipEnv {
  today: IsoDate;
  /** Server time, ISO 8601 (the engagement's moment). */
  now: string;
  /** The department's rates and deadline for the year, if it has set them. */
  settings: MembershipSettings | null;
}

export const EMPTY_NUMBERS: MembershipNumbers = { classes: [], otherAdults: 0, magazines: 0, voluntary: 0 };

export const initialMembershipState = (coopId: string, year: number): MembershipState => ({
  coopId,
  year,
  status: 'draft',
  numbers: EMPTY_NUMBERS,
  engagement: null,
  firstSubmittedOn: null,
  submittedOn: null,
  submitted: null,
  validatedOn: null,
  reason: null,
});

/** A school's classes, not a city's: more rows than this is a typing accident or an attack. */
export const MAX_CLASSES = 60;
/** People or copies in one count. */
export const MAX_COUNT = 5000;
export const MAX_CLASS_NAME = 60;
export const MAX_REASON = 1000;

/** The duties the mandataire commits to each year (written out on the page and in the attestation). */
export const MANDATAIRE_DUTIES: readonly string[] = [
  "tenir la comptabilité de la coopérative au jour le jour, chaque opération appuyée d'une pièce justificative ;",
  'ne faire fonctionner le compte bancaire de la coopérative que pour les activités de la coopérative, dans le respect de ses statuts ;',
  'présenter les comptes au conseil de coopérative et les faire vérifier chaque année par deux vérificateurs qui ne tiennent pas les comptes ;',
  "transmettre à l'association départementale le compte-rendu financier et le compte-rendu d'activités avant le 30 septembre ;",
  "informer l'association départementale de tout changement de mandataire.",
];

// ---- Amounts: rates × numbers, integer cents ----

export const pupilsOf = (numbers: MembershipNumbers): number => numbers.classes.reduce((sum, c) => sum + c.pupils, 0);
/** The classes' teachers and the other adults. */
export const adultsOf = (numbers: MembershipNumbers): number => numbers.classes.reduce((sum, c) => sum + c.teachers, 0) + numbers.otherAdults;

/**
 * What the numbers cost at these rates: the cotisation per pupil and per adult, the insurance
 * per head (pupils and adults alike), the magazines, the voluntary contribution as given.
 */
export function membershipDue(numbers: MembershipNumbers, rates: MembershipRates): MembershipDue {
  const pupils = pupilsOf(numbers);
  const adults = adultsOf(numbers);
  const cotisation = pupils * rates.pupil + adults * rates.adult;
  const insurance = (pupils + adults) * rates.insurance;
  const magazines = numbers.magazines * rates.magazine;
  const voluntary = numbers.voluntary;
  return { cotisation, insurance, magazines, voluntary, total: cotisation + insurance + magazines + voluntary };
}

export const NO_DUE: MembershipDue = { cotisation: 0, insurance: 0, magazines: 0, voluntary: 0, total: 0 };

/** Late: nothing was submitted by the deadline (the day of the deadline is in time). */
export const membershipLate = (state: Pick<MembershipState, 'firstSubmittedOn'>, deadline: IsoDate | null, today: IsoDate): boolean =>
  deadline !== null && (state.firstSubmittedOn ?? today) > deadline;

// ---- Input checks ----

function count(value: unknown, field: string, what: string, errors: DomainError[]): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    errors.push(new DomainError('COUNT_INVALID', `${what} : un nombre entier, 0 ou plus.`, field));
    return 0;
  }
  if (n > MAX_COUNT) {
    errors.push(new DomainError('COUNT_INVALID', `${what} : au plus ${MAX_COUNT}.`, field));
    return 0;
  }
  return n;
}

function text(value: unknown, max: number, field: string, what: string, errors: DomainError[]): string {
  const t = optionalText(value) ?? '';
  if (t.length > max) errors.push(new DomainError('TEXT_TOO_LONG', `${what} ne peut dépasser ${max} caractères (${t.length} saisis).`, field));
  return t.slice(0, max);
}

/** The numbers as the decider stores them; a blank class row (no name, no one) is dropped, not refused. */
export function validNumbers(input: MembershipNumbersInput): MembershipNumbers {
  const errors: DomainError[] = [];
  // The numbers replace the previous ones as a whole: no list of classes (even empty) is no numbers.
  const rows = input.classes;
  if (!Array.isArray(rows))
    throw new ValidationFailed([new DomainError('CLASSES_INVALID', 'La liste des classes manque (une liste, vide si aucune).', 'classes')]);
  if (rows.length > MAX_CLASSES) {
    throw new ValidationFailed([new DomainError('CLASSES_INVALID', `Au plus ${MAX_CLASSES} classes.`, 'classes')]);
  }
  const classes: MembershipClass[] = [];
  const names = new Set<string>();
  rows.forEach((raw: unknown, i) => {
    const row = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const field = `classes.${i}`;
    const name = text(row.name, MAX_CLASS_NAME, `${field}.name`, 'Le nom de la classe', errors);
    const level = text(row.level, MAX_CLASS_NAME, `${field}.level`, 'Le niveau', errors);
    const pupils = count(row.pupils, `${field}.pupils`, 'Élèves', errors);
    const teachers = count(row.teachers, `${field}.teachers`, 'Enseignants', errors);
    if (!name && !level && pupils === 0 && teachers === 0) return;
    if (!name) errors.push(new DomainError('CLASS_NAME_REQUIRED', 'Le nom de la classe est obligatoire (par exemple « CP-CE1 »).', `${field}.name`));
    else if (names.has(name.toLocaleLowerCase('fr'))) {
      errors.push(new DomainError('CLASS_DUPLICATE', `Une autre classe s'appelle déjà « ${name} ».`, `${field}.name`));
    }
    names.add(name.toLocaleLowerCase('fr'));
    classes.push({ name, level, pupils, teachers });
  });
  const otherAdults = count(input.otherAdults, 'otherAdults', 'Autres adultes', errors);
  const magazines = count(input.magazines, 'magazines', 'Abonnements', errors);
  let voluntary = 0;
  if (input.voluntary !== undefined && input.voluntary !== null && input.voluntary !== '') {
    if (isNonNegativeCents(input.voluntary)) voluntary = input.voluntary;
    else errors.push(new DomainError('AMOUNT_INVALID', `La contribution volontaire : un montant de 0 à ${formatEuros(MAX_LINE_CENTS)}.`, 'voluntary'));
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { classes, otherAdults, magazines, voluntary };
}

/** The AD's rates (cents, 0 or more) and deadline (a real date). */
export function validSettings(input: { rates?: unknown; deadline?: unknown }): MembershipSettings {
  const errors: DomainError[] = [];
  const given = (input.rates !== null && typeof input.rates === 'object' ? input.rates : {}) as Record<string, unknown>;
  const rate = (key: keyof MembershipRates, what: string): number => {
    const value = given[key];
    if (isNonNegativeCents(value)) return value;
    errors.push(new DomainError('RATE_INVALID', `${what} : un montant de 0 à ${formatEuros(MAX_LINE_CENTS)}.`, `rates.${key}`));
    return 0;
  };
  const rates: MembershipRates = {
    pupil: rate('pupil', 'La cotisation par élève'),
    adult: rate('adult', 'La cotisation par adulte'),
    insurance: rate('insurance', "L'assurance par personne"),
    magazine: rate('magazine', "L'abonnement à la revue"),
  };
  const deadline = typeof input.deadline === 'string' ? parseFrenchDate(input.deadline) : null;
  if (!deadline) errors.push(new DomainError('DATE_REQUIRED', 'La date limite est obligatoire (jj/mm/aaaa).', 'deadline'));
  if (errors.length) throw new ValidationFailed(errors);
  return { rates, deadline: deadline! };
}

// ---- Decisions ----

const sameNumbers = (a: MembershipNumbers, b: MembershipNumbers): boolean => JSON.stringify(a) === JSON.stringify(b);

function notSubmitted(state: MembershipState): void {
  if (state.status === 'submitted') {
    throw new DomainError(
      'MEMBERSHIP_SUBMITTED',
      "L'adhésion a été envoyée à l'association départementale : elle ne peut plus être modifiée, sauf si l'association vous la renvoie.",
      undefined,
      'conflict',
    );
  }
  if (state.status === 'validated') {
    throw new DomainError(
      'MEMBERSHIP_SUBMITTED',
      "L'adhésion a été validée par l'association départementale : elle ne peut plus être modifiée.",
      undefined,
      'conflict',
    );
  }
}

/** What still stands in the way of the submission, in the mandataire's words. */
export function membershipBlockers(state: MembershipState, settings: MembershipSettings | null): Array<{ code: string; message: string }> {
  const blockers: Array<{ code: string; message: string }> = [];
  if (pupilsOf(state.numbers) + adultsOf(state.numbers) === 0) {
    blockers.push({ code: 'MEMBERSHIP_EMPTY', message: 'Indiquez au moins une classe avec ses élèves, ou des adultes.' });
  }
  if (!state.engagement) {
    blockers.push({ code: 'ENGAGEMENT_MISSING', message: "L'engagement du mandataire manque : cochez-le et indiquez votre nom." });
  }
  if (!settings) {
    blockers.push({ code: 'RATES_MISSING', message: "L'association départementale n'a pas encore fixé ses tarifs pour cette année : réessayez plus tard." });
  }
  return blockers;
}

export function decideMembership(command: MembershipCommand, state: MembershipState, env: MembershipEnv): MembershipEvent[] {
  const { coopId, year } = state;
  switch (command.type) {
    case 'EnterMembershipNumbers': {
      notSubmitted(state);
      const numbers = validNumbers(command.numbers);
      if (sameNumbers(numbers, state.numbers)) return [];
      return [{ type: 'MembershipNumbersEntered', data: { coopId, year, ...numbers } }];
    }
    case 'GiveMembershipEngagement': {
      notSubmitted(state);
      const name = optionalText(command.name);
      if (!name) throw new ValidationFailed([new DomainError('NAME_REQUIRED', 'Votre nom est obligatoire pour vous engager.', 'name')]);
      if (name.length > 200) throw new ValidationFailed([new DomainError('TEXT_TOO_LONG', 'Le nom ne peut dépasser 200 caractères.', 'name')]);
      return [{ type: 'MembershipEngagementGiven', data: { coopId, year, name, at: env.now } }];
    }
    case 'SubmitMembership': {
      notSubmitted(state);
      const blockers = membershipBlockers(state, env.settings);
      if (blockers.length) {
        throw new DomainError('MEMBERSHIP_BLOCKED', blockers.map((b) => b.message).join(' '), undefined, 'conflict', { blockers });
      }
      const rates = env.settings!.rates;
      return [{ type: 'MembershipSubmitted', data: { coopId, year, submittedOn: env.today, rates, due: membershipDue(state.numbers, rates) } }];
    }
    case 'DecideMembership': {
      if (command.decision !== 'validate' && command.decision !== 'return') {
        throw new ValidationFailed([new DomainError('DECISION_INVALID', 'La décision est « validate » ou « return ».', 'decision')]);
      }
      if (state.status !== 'submitted') {
        const why = state.status === 'validated' ? 'elle est déjà validée' : "elle n'a pas été envoyée";
        throw new DomainError('MEMBERSHIP_NOT_SUBMITTED', `Cette adhésion ne peut être validée ni renvoyée : ${why}.`, undefined, 'conflict');
      }
      if (command.decision === 'validate') return [{ type: 'MembershipValidated', data: { coopId, year, validatedOn: env.today } }];
      const reason = optionalText(command.reason);
      if (!reason)
        throw new ValidationFailed([new DomainError('REASON_REQUIRED', 'Indiquez la raison du renvoi : la coopérative la lira pour corriger.', 'reason')]);
      if (reason.length > MAX_REASON)
        throw new ValidationFailed([new DomainError('TEXT_TOO_LONG', `La raison ne peut dépasser ${MAX_REASON} caractères.`, 'reason')]);
      return [{ type: 'MembershipReturned', data: { coopId, year, returnedOn: env.today, reason } }];
    }
  }
}

export function evolveMembership(state: MembershipState, event: MembershipEvent): MembershipState {
  switch (event.type) {
    case 'MembershipNumbersEntered': {
      const { coopId: _c, year: _y, ...numbers } = event.data;
      return { ...state, numbers };
    }
    case 'MembershipEngagementGiven':
      return { ...state, engagement: { name: event.data.name, at: event.data.at } };
    case 'MembershipSubmitted':
      return {
        ...state,
        status: 'submitted',
        firstSubmittedOn: state.firstSubmittedOn ?? event.data.submittedOn,
        submittedOn: event.data.submittedOn,
        submitted: { rates: event.data.rates, due: event.data.due },
        reason: null,
      };
    case 'MembershipValidated':
      return { ...state, status: 'validated', validatedOn: event.data.validatedOn };
    case 'MembershipReturned':
      return { ...state, status: 'returned', reason: event.data.reason };
  }
}

/** The amounts shown: as submitted once sent (the AD validates those), else the numbers at today's rates. */
export function dueNow(state: Pick<MembershipState, 'status' | 'numbers' | 'submitted'>, settings: MembershipSettings | null): MembershipDue {
  if (state.submitted && (state.status === 'submitted' || state.status === 'validated')) return state.submitted.due;
  return settings ? membershipDue(state.numbers, settings.rates) : NO_DUE;
}

// ---- The payment, split as the notebook wants it ----

/** Where the magazines go when the department's chart has it: educational documentation. */
export const MAGAZINES_ACCOUNT = '6181';

/**
 * The payment of a membership as notebook lines: cotisation (and the voluntary contribution, paid
 * to the same association) on the chart's membership account, insurance on its insurance account,
 * the magazines on theirs, the bank credited with the total. Both membership and insurance appear
 * whenever both are due, so COTISATION_ASSURANCE cannot fire on this entry.
 */
export function membershipPaymentLines(due: MembershipDue, chart: Chart): EntryLine[] {
  const membership = accountWithRole(chart, 'membership')?.code ?? '6586';
  const insurance = accountWithRole(chart, 'insurance')?.code ?? '6168';
  const magazines = activeAccount(chart, MAGAZINES_ACCOUNT)?.code ?? membership;
  const debits = new Map<string, Cents>();
  const add = (account: string, amount: Cents) => {
    if (amount > 0) debits.set(account, (debits.get(account) ?? 0) + amount);
  };
  add(membership, due.cotisation + due.voluntary);
  add(insurance, due.insurance);
  add(magazines, due.magazines);
  const lines: EntryLine[] = [...debits].map(([account, debit]) => ({ account, debit }));
  if (due.total > 0) lines.push({ account: BANK, credit: due.total });
  return lines;
}

/** The payment entry's libellé, "who – what" as the notebook wants. */
export const membershipPaymentLabel = (adName: string, year: number): string => `${adName} – Adhésion ${year}-${year + 1} : cotisation et assurance`;
