import { asDepartmentEvent, type DepartmentIdentity } from '../events/department-events';
import { parseStream } from '../events/streams';
import { type Projection } from './projection';
import { type ReadStore } from './read-store';

/** The departmental associations' identities (name, SIREN, address): FEC names and headings. */
export interface DepartmentDoc extends DepartmentIdentity {
  [key: string]: unknown;
  department: string;
  changedAt: string;
  revision: number;
}

export const DEPARTMENTS = 'departments';

export const departmentsProjection: Projection = {
  name: 'departments',
  version: 1,
  collections: { [DEPARTMENTS]: { indexes: [] } },
  streamPrefixes: ['department-'],
  keysOf: (event) => {
    const parsed = parseStream(event.stream);
    return parsed?.category === 'department' ? [{ collection: DEPARTMENTS, id: parsed.department }] : [];
  },
  evolve: (doc, recorded) => {
    const current = doc as DepartmentDoc | null;
    if (current && current.revision >= recorded.revision) return current;
    const event = asDepartmentEvent(recorded);
    switch (event.type) {
      case 'DepartmentIdentityChanged':
        return { ...event.data, changedAt: recorded.metadata.at, revision: recorded.revision } satisfies DepartmentDoc;
      default:
        return current;
    }
  },
};

/** The association's identity; null while its treasurer has not given it. */
export const departmentIdentity = (store: Pick<ReadStore, 'get'>, department: string): Promise<DepartmentDoc | null> =>
  store.get<DepartmentDoc>(DEPARTMENTS, department);
