import fc from 'fast-check';
import { defaultChart } from '../../src/domain/chart';
import { decideDepartment, type DepartmentCommand, type DepartmentState, evolveDepartment, initialDepartmentState } from '../../src/domain/department';
import {
  decideMembership,
  dueNow,
  evolveMembership,
  initialMembershipState,
  type MembershipCommand,
  type MembershipEnv,
  membershipDue,
  membershipLate,
  membershipPaymentLines,
  type MembershipState,
} from '../../src/domain/membership';
import { type DepartmentEvent } from '../../src/events/department-events';
import { type MembershipEvent, type MembershipNumbers, type MembershipRates } from '../../src/events/membership-events';
import { DeciderSpecification } from './decider-specification';

const rates: MembershipRates = { pupil: 150, adult: 300, insurance: 40, magazine: 2500 };
const env: MembershipEnv = { today: '2026-09-20', now: '2026-09-20T08:00:00.000Z', settings: { rates, deadline: '2026-09-30' } };

const spec = DeciderSpecification.for<MembershipCommand, MembershipEvent, MembershipState, MembershipEnv>(
  { decide: decideMembership, evolve: evolveMembership, initialState: () => initialMembershipState('C14001', 2026) },
  env,
);

const twoClasses = [
  { name: 'CP-CE1', level: 'Cycle 2', pupils: 24, teachers: 1 },
  { name: 'CM2', level: 'Cycle 3', pupils: 26, teachers: 2 },
];
const numbers: MembershipNumbers = { classes: twoClasses, otherAdults: 3, magazines: 2, voluntary: 5000 };
const at = { coopId: 'C14001', year: 2026 };
const entered = (n: MembershipNumbers = numbers): MembershipEvent => ({ type: 'MembershipNumbersEntered', data: { ...at, ...n } });
const engaged: MembershipEvent = { type: 'MembershipEngagementGiven', data: { ...at, name: 'Jules Ferry', at: '2026-09-19T10:00:00.000Z' } };
const due = membershipDue(numbers, rates);
const submitted = (submittedOn = '2026-09-20'): MembershipEvent => ({ type: 'MembershipSubmitted', data: { ...at, submittedOn, rates, due } });
const returned: MembershipEvent = { type: 'MembershipReturned', data: { ...at, returnedOn: '2026-09-22', reason: 'Il manque la classe de CE2.' } };
const validated: MembershipEvent = { type: 'MembershipValidated', data: { ...at, validatedOn: '2026-09-22' } };

describe('membership amounts', () => {
  it('charges the cotisation per pupil and per adult, the insurance per head, the magazines, the voluntary contribution as given', () => {
    // 50 pupils, 3 teachers + 3 other adults = 6 adults.
    expect(membershipDue(numbers, rates)).toEqual({
      cotisation: 50 * 150 + 6 * 300,
      insurance: 56 * 40,
      magazines: 2 * 2500,
      voluntary: 5000,
      total: 9300 + 2240 + 5000 + 5000,
    });
  });

  it('totals the sum of its parts, in whole cents, for any numbers and rates', () => {
    const count = fc.integer({ min: 0, max: 5000 });
    const cents = fc.integer({ min: 0, max: 100_000_000 });
    const classArb = fc.record({ name: fc.string({ maxLength: 10 }), level: fc.constant(''), pupils: count, teachers: count });
    fc.assert(
      fc.property(
        fc.record({ classes: fc.array(classArb, { maxLength: 60 }), otherAdults: count, magazines: count, voluntary: cents }),
        fc.record({ pupil: cents, adult: cents, insurance: cents, magazine: cents }),
        (n, r) => {
          const d = membershipDue(n, r);
          expect(d.total).toBe(d.cotisation + d.insurance + d.magazines + d.voluntary);
          for (const part of Object.values(d)) expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
          // The payment entry pays exactly that, balanced.
          const lines = membershipPaymentLines(d, defaultChart('14', 2026));
          const debit = lines.reduce((s, l) => s + (l.debit ?? 0), 0);
          const credit = lines.reduce((s, l) => s + (l.credit ?? 0), 0);
          expect(debit).toBe(d.total);
          expect(credit).toBe(d.total);
        },
      ),
    );
  });

  it('splits the payment: cotisation and voluntary on 6586, insurance on 6168, magazines on 6181, the bank credited', () => {
    expect(membershipPaymentLines(due, defaultChart('14', 2026))).toEqual([
      { account: '6586', debit: 9300 + 5000 },
      { account: '6168', debit: 2240 },
      { account: '6181', debit: 5000 },
      { account: '512', credit: due.total },
    ]);
  });

  it('shows the amounts as submitted once sent, at the current rates before', () => {
    const state = [entered(), engaged, submitted()].reduce(evolveMembership, initialMembershipState('C14001', 2026));
    const dearer = { rates: { ...rates, pupil: 1000 }, deadline: '2026-09-30' };
    expect(dueNow(state, dearer)).toEqual(due);
    const draft = [entered()].reduce(evolveMembership, initialMembershipState('C14001', 2026));
    expect(dueNow(draft, dearer).cotisation).toBe(50 * 1000 + 6 * 300);
    expect(dueNow(draft, null).total).toBe(0);
  });

  it('is late when nothing was submitted by the deadline; a return to correct is not lateness', () => {
    expect(membershipLate({ firstSubmittedOn: null }, '2026-09-30', '2026-09-30')).toBe(false);
    expect(membershipLate({ firstSubmittedOn: null }, '2026-09-30', '2026-10-01')).toBe(true);
    expect(membershipLate({ firstSubmittedOn: '2026-09-29' }, '2026-09-30', '2026-11-01')).toBe(false);
    expect(membershipLate({ firstSubmittedOn: '2026-10-02' }, '2026-09-30', '2026-11-01')).toBe(true);
    expect(membershipLate({ firstSubmittedOn: null }, null, '2027-06-01')).toBe(false);
  });
});

describe('the membership decider', () => {
  it('records the numbers, dropping blank class rows and reading counts typed as text', () => {
    spec
      .given([])
      .when({
        type: 'EnterMembershipNumbers',
        numbers: { classes: [...twoClasses, { name: '', level: '', pupils: '', teachers: '' }], otherAdults: '3', magazines: 2, voluntary: 5000 },
      })
      .then([entered()]);
  });

  it('changes nothing when the same numbers are saved again', () => {
    spec.given([entered()]).when({ type: 'EnterMembershipNumbers', numbers }).thenNothingHappens();
  });

  it('refuses a class without a name, a negative or fractional count, two classes of one name, a voluntary amount in euros', () => {
    const error = spec
      .given([])
      .when({
        type: 'EnterMembershipNumbers',
        numbers: {
          classes: [
            { name: '', pupils: 12 },
            { name: 'CM1', pupils: -1 },
            { name: 'cm1', teachers: 1.5 },
          ],
          voluntary: 12.5,
        },
      })
      .thenThrows('CLASS_NAME_REQUIRED');
    expect(Object.keys((error as unknown as { fields: Record<string, string> }).fields)).toEqual([
      'classes.0.name',
      'classes.1.pupils',
      'classes.2.teachers',
      'classes.2.name',
      'voluntary',
    ]);
  });

  it('refuses numbers without their list of classes (they replace the previous ones as a whole)', () => {
    spec
      .given([entered()])
      .when({ type: 'EnterMembershipNumbers', numbers: { otherAdults: 2 } })
      .thenThrows('CLASSES_INVALID');
  });

  it('records the engagement by name at the server time', () => {
    spec
      .given([])
      .when({ type: 'GiveMembershipEngagement', name: '  Jules Ferry ' })
      .then([{ type: 'MembershipEngagementGiven', data: { ...at, name: 'Jules Ferry', at: env.now } }]);
    spec.given([]).when({ type: 'GiveMembershipEngagement', name: ' ' }).thenThrows('NAME_REQUIRED');
  });

  it('submits with the rates in force and the amounts they give', () => {
    spec.given([entered(), engaged]).when({ type: 'SubmitMembership' }).then([submitted()]);
  });

  it('refuses a submission without engagement, without anyone, or before the AD has set its rates, with every blocker', () => {
    const error = spec.given([]).when({ type: 'SubmitMembership' }, { settings: null }).thenThrows('MEMBERSHIP_BLOCKED');
    expect((error.details!.blockers as Array<{ code: string }>).map((b) => b.code)).toEqual(['MEMBERSHIP_EMPTY', 'ENGAGEMENT_MISSING', 'RATES_MISSING']);
    expect(error.kind).toBe('conflict');
  });

  it('refuses changes once submitted or validated, takes them again once returned', () => {
    spec.given([entered(), engaged, submitted()]).when({ type: 'EnterMembershipNumbers', numbers: EMPTYISH }).thenThrows('MEMBERSHIP_SUBMITTED');
    spec.given([entered(), engaged, submitted(), validated]).when({ type: 'SubmitMembership' }).thenThrows('MEMBERSHIP_SUBMITTED');
    spec
      .given([entered(), engaged, submitted(), returned])
      .when({ type: 'EnterMembershipNumbers', numbers: { ...numbers, otherAdults: 4 } })
      .then([entered({ ...numbers, otherAdults: 4 })]);
  });

  it('lets the AD validate or return a submitted membership, a return with its reason', () => {
    spec.given([entered(), engaged, submitted()]).when({ type: 'DecideMembership', decision: 'validate' }, { today: '2026-09-22' }).then([validated]);
    spec
      .given([entered(), engaged, submitted()])
      .when({ type: 'DecideMembership', decision: 'return', reason: 'Il manque la classe de CE2.' }, { today: '2026-09-22' })
      .then([returned]);
    spec.given([entered(), engaged, submitted()]).when({ type: 'DecideMembership', decision: 'return', reason: '' }).thenThrows('REASON_REQUIRED');
    spec.given([entered(), engaged]).when({ type: 'DecideMembership', decision: 'validate' }).thenThrows('MEMBERSHIP_NOT_SUBMITTED');
    spec
      .given([entered(), engaged, submitted(), validated])
      .when({ type: 'DecideMembership', decision: 'return', reason: 'x' })
      .thenThrows('MEMBERSHIP_NOT_SUBMITTED');
  });

  it('keeps the return reason until the next submission, and the first submission day for lateness', () => {
    const state = [entered(), engaged, submitted('2026-09-20'), returned].reduce(evolveMembership, initialMembershipState('C14001', 2026));
    expect(state).toMatchObject({ status: 'returned', reason: 'Il manque la classe de CE2.' });
    const again = evolveMembership(state, submitted('2026-10-05'));
    expect(again).toMatchObject({ status: 'submitted', reason: null, firstSubmittedOn: '2026-09-20', submittedOn: '2026-10-05' });
  });
});

const EMPTYISH = { classes: [], otherAdults: 1 };

describe("the department's membership settings", () => {
  const dept = DeciderSpecification.for<DepartmentCommand, DepartmentEvent, DepartmentState, object>(
    { decide: (command, state) => decideDepartment(command, state), evolve: evolveDepartment, initialState: () => initialDepartmentState('14') },
    {},
  );
  const set: DepartmentEvent = { type: 'MembershipSettingsSet', data: { department: '14', year: 2026, rates, deadline: '2026-09-30' } };

  it('records the rates and the deadline of a year; the same again changes nothing', () => {
    dept.given([]).when({ type: 'SetMembershipSettings', year: 2026, rates, deadline: '30/09/2026' }).then([set]);
    dept.given([set]).when({ type: 'SetMembershipSettings', year: 2026, rates, deadline: '2026-09-30' }).thenNothingHappens();
    dept
      .given([set])
      .when({ type: 'SetMembershipSettings', year: 2027, rates, deadline: '2027-11-10' })
      .then([{ type: 'MembershipSettingsSet', data: { department: '14', year: 2027, rates, deadline: '2027-11-10' } }]);
  });

  it('refuses a rate that is not whole cents, and a missing deadline', () => {
    const error = dept
      .given([])
      .when({ type: 'SetMembershipSettings', year: 2026, rates: { ...rates, pupil: 1.5, magazine: -1 }, deadline: '31/02/2026' })
      .thenThrows('RATE_INVALID');
    expect(Object.keys((error as unknown as { fields: Record<string, string> }).fields)).toEqual(['rates.pupil', 'rates.magazine', 'deadline']);
  });
});
