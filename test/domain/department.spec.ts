import {
  decideDepartment,
  type DepartmentCommand,
  type DepartmentState,
  evolveDepartment,
  initialDepartmentState,
  luhnValid,
} from '../../src/domain/department';
import { type DepartmentEvent } from '../../src/events/department-events';
import { DeciderSpecification } from './decider-specification';

const spec = DeciderSpecification.for<DepartmentCommand, DepartmentEvent, DepartmentState, object>(
  { decide: (command, state) => decideDepartment(command, state), evolve: evolveDepartment, initialState: () => initialDepartmentState('14') },
  {},
);

const identity = { name: 'OCCE 14', siren: '781 430 004', address: '12 rue de la Coopération\n14000 Caen' };
const changed = (data: Partial<DepartmentEvent['data']> = {}): DepartmentEvent => ({
  type: 'DepartmentIdentityChanged',
  data: { department: '14', name: 'OCCE 14', siren: '781430004', siret: null, address: '12 rue de la Coopération\n14000 Caen', ...data },
});
const change = (input: Record<string, unknown>): DepartmentCommand => ({ type: 'ChangeDepartmentIdentity', identity: input });

describe("the departmental association's identity", () => {
  it('records name, SIREN (spaces dropped) and address', () => {
    spec.given([]).when(change(identity)).then([changed()]);
  });

  it('takes a SIRET given in the SIREN field as the SIRET, its first nine digits as the SIREN', () => {
    spec
      .given([])
      .when(change({ ...identity, siren: '78143000400015' }))
      .then([changed({ siret: '78143000400015' })]);
  });

  it('refuses a SIREN of the wrong length or whose key is wrong, and a SIRET of another SIREN', () => {
    expect(
      spec
        .given([])
        .when(change({ ...identity, siren: '12345' }))
        .thenThrows('SIREN_INVALID').message,
    ).toContain('9 chiffres');
    spec
      .given([])
      .when(change({ ...identity, siren: '781430005' }))
      .thenThrows('SIREN_INVALID');
    spec
      .given([])
      .when(change({ ...identity, siret: '78161000100013' }))
      .thenThrows('SIRET_INVALID');
    spec
      .given([])
      .when(change({ ...identity, siret: '78143000400016' }))
      .thenThrows('SIRET_INVALID');
  });

  it('requires every field, each error on its own field', () => {
    const error = spec.given([]).when(change({})).thenThrows('NAME_REQUIRED');
    expect((error.errors ?? []).map((e) => [e.code, e.field])).toEqual([
      ['NAME_REQUIRED', 'name'],
      ['SIREN_REQUIRED', 'siren'],
      ['ADDRESS_REQUIRED', 'address'],
    ]);
  });

  it('the same identity again changes nothing', () => {
    spec.given([changed()]).when(change(identity)).thenNothingHappens();
    spec
      .given([changed()])
      .when(change({ ...identity, name: 'OCCE 14 Calvados' }))
      .then([changed({ name: 'OCCE 14 Calvados' })]);
  });

  it('checks the Luhn key INSEE uses', () => {
    expect(luhnValid('781430004')).toBe(true);
    expect(luhnValid('732829320')).toBe(true);
    expect(luhnValid('732829321')).toBe(false);
  });
});
