import { type RecordedEvent } from './envelope';

/**
 * Events of `membership-<coopId>-<year>`: one coop's membership (adhésion) of its departmental
 * association for one school year. Counts are whole numbers of people or copies; the voluntary
 * contribution is in integer cents. The rates live on the department's stream
 * (MembershipSettingsSet); the amounts due are computed from both, and frozen in the submission.
 */

/** One class of the school: its name ("CP-CE1"), its level ("CP", "Cycle 2"…) and who are coopérateurs. */
export interface MembershipClass {
  name: string;
  level: string;
  pupils: number;
  teachers: number;
}

export interface MembershipNumbers {
  classes: MembershipClass[];
  /** Adults besides the classes' teachers (ATSEM, AESH, parents who help…). */
  otherAdults: number;
  /** Subscriptions to the OCCE's magazine (Animation & Éducation). */
  magazines: number;
  /** Voluntary contribution, cents. */
  voluntary: number;
}

/** The department's rates for a year, in cents: cotisation per pupil and per adult, insurance per head, the magazine. */
export interface MembershipRates {
  pupil: number;
  adult: number;
  insurance: number;
  magazine: number;
}

/** What a membership costs, cents: cotisation and insurance apart (two accounts of the notebook). */
export interface MembershipDue {
  cotisation: number;
  insurance: number;
  magazines: number;
  voluntary: number;
  total: number;
}

export type MembershipNumbersEntered = MembershipNumbers & { coopId: string; year: number };
/** The mandataire's yearly engagement to the duties of the mandate, by name; `at` is the server's time. */
export interface MembershipEngagementGiven {
  coopId: string;
  year: number;
  name: string;
  at: string;
}
/** Sent to the AD with the rates then in force and the amounts they gave: what the AD validates. */
export interface MembershipSubmitted {
  coopId: string;
  year: number;
  submittedOn: string;
  rates: MembershipRates;
  due: MembershipDue;
}
export interface MembershipValidated {
  coopId: string;
  year: number;
  validatedOn: string;
}
export interface MembershipReturned {
  coopId: string;
  year: number;
  returnedOn: string;
  reason: string;
}

export type MembershipEvent =
  | { type: 'MembershipNumbersEntered'; data: MembershipNumbersEntered }
  | { type: 'MembershipEngagementGiven'; data: MembershipEngagementGiven }
  | { type: 'MembershipSubmitted'; data: MembershipSubmitted }
  | { type: 'MembershipValidated'; data: MembershipValidated }
  | { type: 'MembershipReturned'; data: MembershipReturned };

/** A stored event of a `membership-` stream with its catalog type (as asLedgerEvent). */
export type RecordedMembershipEvent = { [E in MembershipEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[MembershipEvent['type']];
export const asMembershipEvent = (event: RecordedEvent): RecordedMembershipEvent => event as RecordedMembershipEvent;
