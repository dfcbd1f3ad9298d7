import { asDepartmentEvent } from '../events/department-events';
import { asMembershipEvent, type MembershipRates } from '../events/membership-events';
import { parseStream } from '../events/streams';
import { evolveMembership, initialMembershipState, type MembershipState } from '../domain/membership';
import { type Projection } from './projection';

/** One coop's membership of a year: the domain's own state (folded by the decider's evolve), with its department. */
export interface MembershipDoc extends MembershipState {
  [key: string]: unknown;
  department: string;
  revision: number;
  changedAt: string;
}

/** The AD's rates and deadline for a year. */
export interface MembershipSettingsDoc {
  [key: string]: unknown;
  department: string;
  year: number;
  rates: MembershipRates;
  deadline: string;
  revision: number;
}

export const MEMBERSHIPS = 'memberships';
export const MEMBERSHIP_SETTINGS = 'membership_settings';
export const membershipId = (coopId: string, year: number): string => `${coopId}-${year}`;
export const membershipSettingsId = (department: string, year: number): string => `${department}-${year}`;

export const membershipProjection: Projection = {
  name: 'memberships',
  version: 1,
  collections: { [MEMBERSHIPS]: { indexes: ['department', 'year'] }, [MEMBERSHIP_SETTINGS]: { indexes: ['department'] } },
  streamPrefixes: ['membership-', 'department-'],
  keysOf: (event) => {
    const parsed = parseStream(event.stream);
    if (parsed?.category === 'membership') return [{ collection: MEMBERSHIPS, id: membershipId(parsed.coopId, parsed.year) }];
    if (parsed?.category === 'department' && event.type === 'MembershipSettingsSet') {
      const { year } = event.data as { year: number };
      return [{ collection: MEMBERSHIP_SETTINGS, id: membershipSettingsId(parsed.department, year) }];
    }
    return [];
  },
  evolve: (doc, recorded, ref) => {
    if (ref.collection === MEMBERSHIP_SETTINGS) {
      const current = doc as MembershipSettingsDoc | null;
      if (current && current.revision >= recorded.revision) return current;
      const event = asDepartmentEvent(recorded);
      if (event.type !== 'MembershipSettingsSet') return current;
      const { department, year, rates, deadline } = event.data;
      return { department, year, rates, deadline, revision: recorded.revision } satisfies MembershipSettingsDoc;
    }
    const current = doc as MembershipDoc | null;
    if (current && current.revision >= recorded.revision) return current;
    const stream = parseStream(recorded.stream);
    if (stream?.category !== 'membership') return current;
    const {
      department: _d,
      revision: _r,
      changedAt: _c,
      ...state
    } = current ?? {
      ...initialMembershipState(stream.coopId, stream.year),
      department: '',
      revision: -1,
      changedAt: '',
    };
    const next = evolveMembership(state as MembershipState, asMembershipEvent(recorded));
    return {
      ...next,
      department: recorded.metadata.department ?? current?.department ?? '',
      revision: recorded.revision,
      changedAt: recorded.metadata.at,
    } satisfies MembershipDoc;
  },
};
