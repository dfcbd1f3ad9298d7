import { type CoopCommand, type CoopState, decideCoop, evolveCoop, initialCoopState } from '../../src/domain/coop';
import { type CoopEvent } from '../../src/events/coop-events';
import { DeciderSpecification } from './decider-specification';

const spec = DeciderSpecification.for<CoopCommand, CoopEvent, CoopState, object>(
  { decide: (command, state) => decideCoop(command, state), evolve: evolveCoop, initialState: initialCoopState },
  {},
);

const identity = { name: "Coopérative de l'école Jules Ferry", school: 'École primaire Jules Ferry, Caen', uai: '0141234A', mandataires: ['Claire Martin'] };
const registered: CoopEvent = { type: 'CoopRegistered', data: { coopId: 'C14001', department: '14', firstYear: 2025, ...identity } };
const contact = (input: Record<string, unknown>): CoopCommand => ({ type: 'ChangeCoopContact', contact: input });

describe("a coop's identity", () => {
  it('refuses a registration with every wrong field at once', () => {
    const error = spec
      .given([])
      .when({ type: 'RegisterCoop', coopId: 'C14 001', department: '14', firstYear: 2025, identity: { name: '', uai: 'XYZ' } })
      .thenThrows('COOP_ID_INVALID');
    expect(error.errors?.map((e) => [e.code, e.field])).toEqual([
      ['COOP_ID_INVALID', 'coopId'],
      ['NAME_REQUIRED', 'name'],
      ['UAI_INVALID', 'uai'],
    ]);
  });

  it("records the mandataire's fields: the school's address, phone, e-mail and the mandataires' names", () => {
    spec
      .given([registered])
      .when(
        contact({
          address: ' 12 rue des Écoles\r\n14000 Caen ',
          phone: '02 31 12 34 56',
          email: 'CE.0141234A@ac-caen.fr',
          mandataires: 'Claire Martin\nLéa Durand',
        }),
      )
      .then([
        {
          type: 'CoopContactChanged',
          data: {
            address: '12 rue des Écoles\n14000 Caen',
            phone: '02 31 12 34 56',
            email: 'ce.0141234a@ac-caen.fr',
            mandataires: ['Claire Martin', 'Léa Durand'],
          },
        },
      ]);
  });

  it('keeps the name, school and UAI of the department, and the new mandataires for the next decision', () => {
    const changed: CoopEvent = { type: 'CoopContactChanged', data: { address: null, phone: null, email: null, mandataires: ['Léa Durand'] } };
    const state = [registered, changed].reduce(evolveCoop, initialCoopState());
    expect(state.identity).toEqual({ ...identity, mandataires: ['Léa Durand'] });
    // The same fields again: nothing to record.
    spec
      .given([registered, changed])
      .when(contact({ mandataires: 'Léa Durand' }))
      .thenNothingHappens();
  });

  it('refuses a phone, an e-mail that cannot be right and a coop without mandataire, all at once', () => {
    const error = spec
      .given([registered])
      .when(contact({ phone: '02 31', email: 'ecole@', mandataires: '' }))
      .thenThrows('PHONE_INVALID');
    expect(error.errors?.map((e) => e.field)).toEqual(['phone', 'email', 'mandataires']);
  });

  it('refuses the contact of a coop not registered', () => {
    spec
      .given([])
      .when(contact({ mandataires: 'Léa Durand' }))
      .thenThrows('NOT_FOUND');
  });
});

describe('personal mandataires and the handover', () => {
  const appoint = (username: string, name: unknown, email: unknown): CoopCommand => ({ type: 'AppointMandataire', username, name, email, since: '2026-11-27' });
  const appointed: CoopEvent = {
    type: 'MandataireAppointed',
    data: { username: 'mdurand', name: 'Marc Durand', email: 'marc.durand@example.org', since: '2026-11-27' },
  };

  it('appoints a mandataire by name and e-mail (lower-cased), from today', () => {
    spec
      .given([registered])
      .when(appoint('mdurand', ' Marc Durand ', 'Marc.Durand@example.org'))
      .then([appointed]);
  });

  it('refuses a mandataire without a name or with an address that is not one, both at once', () => {
    const error = spec
      .given([registered])
      .when(appoint('mdurand', '', 'marc'))
      .thenThrows('NAME_REQUIRED');
    expect(error.errors?.map((e) => [e.code, e.field])).toEqual([
      ['NAME_REQUIRED', 'name'],
      ['EMAIL_INVALID', 'email'],
    ]);
  });

  it('refuses to appoint twice a login whose mandate runs', () => {
    spec
      .given([registered, appointed])
      .when(appoint('mdurand', 'Marc Durand', 'marc.durand@example.org'))
      .thenThrows('MANDATAIRE_EXISTS');
  });

  it('ends a mandate on the date given, or today; a shared login of old (never appointed) ends too', () => {
    spec
      .given([registered, appointed])
      .when({ type: 'EndMandate', username: 'mdurand', until: '2026-12-31', today: '2026-11-27' })
      .then([{ type: 'MandateEnded', data: { username: 'mdurand', until: '2026-12-31' } }]);
    spec
      .given([registered])
      .when({ type: 'EndMandate', username: 'jferry', today: '2026-11-27' })
      .then([{ type: 'MandateEnded', data: { username: 'jferry', until: '2026-11-27' } }]);
  });

  it('refuses to end a mandate twice, and an end date that is not a date', () => {
    const ended: CoopEvent = { type: 'MandateEnded', data: { username: 'mdurand', until: '2026-12-31' } };
    spec.given([registered, appointed, ended]).when({ type: 'EndMandate', username: 'mdurand', today: '2026-11-27' }).thenThrows('MANDATE_ENDED');
    spec.given([registered, appointed]).when({ type: 'EndMandate', username: 'mdurand', until: '31/12', today: '2026-11-27' }).thenThrows('DATE_INVALID');
  });
});
