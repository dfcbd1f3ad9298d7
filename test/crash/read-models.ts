import Database from 'better-sqlite3';
import { join } from 'node:path';
import { type RecordedEvent } from '../../src/events/envelope';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { upcast } from '../../src/events/upcasters';
import { ALL_PROJECTIONS } from '../../src/projections';
import { foldInMemory } from '../../src/projections/fold';

/** Every projected collection's documents, by collection then id (JSON as stored). */
export type ReadModels = Record<string, Record<string, unknown>>;

/**
 * The documents of DATA_DIR/read.sqlite — by default those of every collection of ALL_PROJECTIONS
 * (users and sessions are not projections), `'all'` for every declared collection — and each
 * projection's checkpoint. Read through a read-only connection: a running server is not disturbed.
 */
export function storedReadModels(
  dataDir: string,
  which: 'projected' | 'all' = 'projected',
): { documents: ReadModels; checkpoints: Record<string, string | null> } {
  const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const documents: ReadModels = {};
    const collections =
      which === 'all'
        ? (db.prepare('SELECT name FROM read_collections ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name)
        : projectedCollections();
    for (const name of collections) {
      const rows = db.prepare(`SELECT id, body FROM "doc_${name}" ORDER BY id`).all() as Array<{ id: string; body: string }>;
      documents[name] = Object.fromEntries(rows.map((row) => [row.id, JSON.parse(row.body)]));
    }
    const stored = new Map(
      (db.prepare('SELECT projection, position FROM checkpoints').all() as Array<{ projection: string; position: string }>).map((r) => [
        r.projection,
        r.position,
      ]),
    );
    const checkpoints = Object.fromEntries(ALL_PROJECTIONS.map((p) => [p.name, stored.get(p.name) ?? null]));
    return { documents, checkpoints };
  } finally {
    db.close();
  }
}

/** The documents a rebuild from zero must give: every event of DATA_DIR folded in memory by the same reducers. */
export async function foldedReadModels(dataDir: string): Promise<{ documents: ReadModels; head: string | null }> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  try {
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    const folded = foldInMemory(ALL_PROJECTIONS, events, { upcast });
    const documents: ReadModels = {};
    for (const name of projectedCollections()) {
      const docs = [...(folded.get(name) ?? new Map()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // Through JSON, as the read store keeps them (undefined fields vanish).
      documents[name] = JSON.parse(JSON.stringify(Object.fromEntries(docs))) as Record<string, unknown>;
    }
    const head = await store.headPosition();
    return { documents, head: head === null ? null : head.toString() };
  } finally {
    await store.close();
  }
}

export function projectedCollections(): string[] {
  return ALL_PROJECTIONS.flatMap((p) => Object.keys(p.collections)).sort();
}

/**
 * The projections' checkpoints as they stand now (a process may be writing them), or undefined
 * while read.sqlite or its checkpoints table does not exist yet.
 */
export function currentCheckpoints(dataDir: string): Record<string, string | null> | undefined {
  try {
    return storedReadModels(dataDir, 'projected').checkpoints;
  } catch {
    return undefined;
  }
}

/** Number of rows in DATA_DIR/events.sqlite, read-only. */
export function eventCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
