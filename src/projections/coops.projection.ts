import { asCoopEvent } from '../events/coop-events';
import { noOtherEvent } from '../events/ledger-events';
import { parseStream } from '../events/streams';
import { type Projection } from './projection';

/** The directory of cooperatives: identity and department, for scope checks and lists. */
export interface CoopDoc {
  [key: string]: unknown;
  coopId: string;
  department: string;
  firstYear: number;
  name: string;
  school: string | null;
  uai: string | null;
  mandataires: string[];
  /** The school's contact, kept by the mandataire (CoopContactChanged); absent until first given. */
  address?: string | null;
  phone?: string | null;
  email?: string | null;
  registeredAt: string;
  revision: number;
}

export const coopsProjection: Projection = {
  name: 'coops',
  version: 1,
  collections: { coops: { indexes: ['department'] } },
  streamPrefixes: ['coop-'],
  keysOf: (event) => {
    const parsed = parseStream(event.stream);
    return parsed?.category === 'coop' ? [{ collection: 'coops', id: parsed.coopId }] : [];
  },
  evolve: (doc, recorded) => {
    const current = doc as CoopDoc | null;
    if (current && current.revision >= recorded.revision) return current;
    const event = asCoopEvent(recorded);
    switch (event.type) {
      case 'CoopRegistered':
        return { ...event.data, registeredAt: recorded.metadata.at, revision: recorded.revision } satisfies CoopDoc;
      case 'CoopIdentityChanged':
      case 'CoopContactChanged':
        return current ? { ...current, ...event.data, revision: recorded.revision } : null;
      // Mandates live with the logins (src/users); the directory of coops only moves its revision.
      case 'MandataireAppointed':
      case 'MandateEnded':
        return current ? { ...current, revision: recorded.revision } : null;
      default:
        noOtherEvent(event);
        return current;
    }
  },
};
