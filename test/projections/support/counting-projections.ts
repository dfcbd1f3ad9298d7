import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type NewEvent } from '../../../src/events/envelope';
import { SqliteEventStore } from '../../../src/events/sqlite-event-store';
import { type Projection } from '../../../src/projections/projection';
import { type Doc, type ReadStore } from '../../../src/projections/read-store';
import { SqliteReadStore } from '../../../src/projections/sqlite-read-store';

export interface StreamCount extends Doc {
  stream: string;
  category: string;
  count: number;
  lastType: string;
}

/** Counts the events of every ledger stream; a `Forgotten` event deletes the stream's count. */
export const streamCounts = (overrides: Partial<Projection> = {}): Projection => ({
  name: 'stream-counts',
  version: 1,
  collections: { stream_counts: { indexes: ['category', 'count'] } },
  streamPrefixes: ['ledger-'],
  keysOf: (event) => [{ collection: 'stream_counts', id: event.stream }],
  evolve: (doc, event) => {
    if (event.type === 'Forgotten') return null;
    const previous = doc as StreamCount | null;
    return { stream: event.stream, category: event.stream.split('-')[0], count: (previous?.count ?? 0) + 1, lastType: event.type };
  },
  ...overrides,
});

/**
 * Counts events per type in ledger and coop streams, plus a department-wide total touched by the
 * same events; its reducer throws on an event whose data says `poison` unless `tolerant`.
 */
export const typeCounts = (options: { tolerant?: boolean; version?: number } = {}): Projection => ({
  name: 'type-counts',
  version: options.version ?? 1,
  collections: { type_counts: { indexes: [] }, totals: { indexes: [] } },
  streamPrefixes: ['ledger-', 'coop-'],
  keysOf: (event) => [
    { collection: 'type_counts', id: event.type },
    { collection: 'totals', id: 'all' },
  ],
  evolve: (doc, event, ref) => {
    if (!options.tolerant && (event.data as { poison?: boolean }).poison) throw new Error(`cannot fold ${event.type}`);
    const count = ((doc as { count?: number } | null)?.count ?? 0) + 1;
    return ref.collection === 'totals' ? { id: 'all', count } : { type: event.type, count };
  },
});

export function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: {
      actor: 'mandataire1',
      role: 'mandataire',
      at: '2024-10-01T08:00:00.000Z',
      $correlationId: id,
      $causationId: id,
      schemaVersion: 1,
      prevHash: '',
      hash: '',
    },
  };
}

/** A real embedded event store and read store in a temporary directory. */
export class TestStores {
  readonly dir = mkdtempSync(join(tmpdir(), 'projector-'));
  readonly events = new SqliteEventStore(join(this.dir, 'events.sqlite'), { pollIntervalMs: 20 });
  readonly read: ReadStore = new SqliteReadStore(join(this.dir, 'read.sqlite'));

  /** Appends `events` to `stream` (any revision) and returns the position of the last one. */
  async append(stream: string, ...events: NewEvent[]): Promise<bigint> {
    return (await this.events.append(stream, events, 'any')).position;
  }

  async dispose(): Promise<void> {
    await this.events.close();
    await this.read.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every document of a collection, by the value of its `key` field (find returns documents, not ids). */
export async function documents(store: ReadStore, collection: string, key: string): Promise<Record<string, Doc>> {
  const all = await store.find(collection);
  return Object.fromEntries(all.map((doc) => [String(doc[key]), doc]));
}

/** A logger that keeps what it is told, for assertions, instead of printing it. */
export class RecordingLogger {
  readonly logs: string[] = [];
  readonly errors: string[] = [];
  log(message: string): void {
    this.logs.push(message);
  }
  error(message: string): void {
    this.errors.push(message);
  }
}
