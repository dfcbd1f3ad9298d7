/**
 * `npm run bench -- --engine postgresql`: the department bench with both stores on PostgreSQL
 * (bench/run.ts), and the PostgreSQL side of its one-writer figures: bare INSERTs on the same
 * server and the Emmett peer (@event-driven-io/emmett-postgresql).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../src/events/postgres-event-store';
import { startThrowawayCluster } from '../scripts/pg-cluster';
import { type Figure, verdict } from './figures';

const PEER_DIR = resolve(__dirname, 'peers', 'postgresql');

export interface BenchDatabase {
  /** The bench's own database on the server. */
  url: string;
  /** Another empty database on the same server (store alone, bare inserts, the peer). */
  scratch(name: string): Promise<string>;
  /** Where the server runs. */
  server: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL's server when set, else a throwaway cluster of the bench's own (stopped by close);
 * a fresh database `cahier_bench` on it.
 */
export async function benchDatabase(log: (message: string) => void): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  const cluster = given ? null : await startThrowawayCluster();
  const admin = given ?? cluster!.url;
  if (cluster) log(`PostgreSQL: a throwaway cluster of the bench's own (${cluster.dir})`);
  const created: string[] = [];
  const fresh = async (name: string): Promise<string> => {
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    created.push(name);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const url = await fresh('cahier_bench');
  const client = new Client({ connectionString: url });
  await client.connect();
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync;
  const commit = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
  await client.end();
  return {
    url,
    scratch: (name) => fresh(name),
    server: `PostgreSQL ${version} on ${new URL(admin).host} (${cluster ? 'a cluster of the bench' : 'DATABASE_URL'}), fsync=${fsync}, synchronous_commit=${commit}`,
    async close() {
      if (cluster) {
        cluster.stop();
        return;
      }
      const admin_ = new Client({ connectionString: admin });
      await admin_.connect();
      for (const name of created) await admin_.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin_.end();
    },
  };
}

export interface EventRow {
  id: string;
  stream: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
}

/** The events after `from`, as stored (JSON text as written). */
export async function eventsAfter(url: string, from: bigint): Promise<EventRow[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<EventRow>(
      'SELECT id, stream, revision::text AS revision, type, data::text AS data, metadata::text AS metadata FROM events WHERE position > $1 ORDER BY position',
      [String(from)],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Bare INSERTs: the very rows, one autocommitted INSERT each (one transaction each), into a copy
 * of the events table as it stood before them (same columns, keys and indexes), on the same server.
 */
export async function bareInserts(url: string, rows: EventRow[], from: bigint): Promise<{ perSecond: number; note: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bare_events');
    await client.query('CREATE TABLE bare_events (LIKE events INCLUDING ALL)');
    await client.query('INSERT INTO bare_events SELECT * FROM events WHERE position <= $1', [String(from)]);
    await client.query('ANALYZE bare_events');
    const before = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM bare_events')).rows[0].n);
    // Positions after the copy's last, as the store gives them (the table's key).
    let position = BigInt((await client.query<{ p: string }>('SELECT coalesce(max(position), 0) AS p FROM bare_events')).rows[0].p);
    const started = performance.now();
    for (const row of rows) {
      position += 1n;
      await client.query(
        'INSERT INTO bare_events (position, transaction_id, id, stream, revision, type, data, metadata) VALUES ($1, pg_current_xact_id(), $2, $3, $4, $5, $6, $7)',
        [String(position), row.id, row.stream, row.revision, row.type, row.data, row.metadata],
      );
    }
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bare_events');
    return {
      perSecond: rows.length / seconds,
      note: `${rows.length} rows, one INSERT (one transaction) each, one connection, into a copy of the events table (${before} rows, same keys and indexes), same server`,
    };
  } finally {
    await client.end();
  }
}

/**
 * Our PostgresEventStore.append alone: the same events one by one, expected revisions checked,
 * into an empty store on the same server (each stream from its first event, as the peer's).
 */
export async function storeAppends(url: string, rows: EventRow[]): Promise<{ perSecond: number; note: string }> {
  const store = await PostgresEventStore.connect(url);
  try {
    const revisions = new Map<string, number>();
    const started = performance.now();
    for (const row of rows) {
      const revision = revisions.get(row.stream);
      await store.append(
        row.stream,
        [{ id: row.id, type: row.type, data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as never }],
        revision === undefined ? 'no_stream' : revision,
      );
      revisions.set(row.stream, (revision ?? -1) + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: rows.length / seconds,
      note: 'the same events through our PostgresEventStore.append alone, one by one, into an empty store on the same server',
    };
  } finally {
    await store.close();
  }
}

/**
 * The peer: @event-driven-io/emmett-postgresql appending the same events, one by one, expected
 * versions checked. It peers exactly emmett 0.42 and pongo 0.16.11 while the app pins emmett
 * 0.38.5 (the SQLite peer): it lives in bench/peers/postgresql with its own package.json and
 * lock, installed there on first use (`npm ci`), never in the app's node_modules.
 */
export async function emmettPostgresAppend(url: string, rows: EventRow[]): Promise<{ perSecond: number | null; note: string }> {
  interface PeerStore {
    appendToStream(stream: string, events: unknown[], options?: { expectedStreamVersion?: bigint }): Promise<unknown>;
    close(): Promise<void>;
  }
  let peer: { getPostgreSQLEventStore(connectionString: string): PeerStore };
  try {
    if (!existsSync(join(PEER_DIR, 'node_modules'))) {
      execFileSync('npm', ['--prefix', PEER_DIR, 'ci', '--no-audit', '--no-fund', '--ignore-scripts'], { stdio: 'inherit' });
    }
    peer = require(join(PEER_DIR, 'node_modules', '@event-driven-io', 'emmett-postgresql')) as typeof peer;
  } catch (error) {
    return { perSecond: null, note: `@event-driven-io/emmett-postgresql not loadable (bench/peers/postgresql): ${String(error).split('\n')[0]}` };
  }
  const version = (
    JSON.parse(readFileSync(join(PEER_DIR, 'node_modules', '@event-driven-io', 'emmett-postgresql', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const store = peer.getPostgreSQLEventStore(url);
  try {
    // Its schema is created by the first append: one on a stream of its own, not measured.
    await store.appendToStream('bench-warmup', [{ type: 'Warmup', data: {}, metadata: {} }]);
    const versions = new Map<string, bigint>();
    const started = performance.now();
    for (const row of rows) {
      const expected = versions.get(row.stream);
      await store.appendToStream(
        row.stream,
        [{ type: row.type, data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as unknown }],
        expected === undefined ? undefined : { expectedStreamVersion: expected },
      );
      versions.set(row.stream, (expected ?? 0n) + 1n);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: rows.length / seconds,
      note: `${rows.length} events, emmett-postgresql ${version} appendToStream one by one (expected versions checked), into an empty store on the same server`,
    };
  } catch (error) {
    return { perSecond: null, note: `the peer failed: ${String(error).split('\n')[0]}` };
  } finally {
    await store.close();
  }
}

/** The embedded run's figures (results.json or results.quick.json) beside this run's, as Markdown. */
export function sideBySide(figures: Figure[], embeddedFile: string): string {
  const embedded = existsSync(embeddedFile) ? (JSON.parse(readFileSync(embeddedFile, 'utf8')) as Record<string, unknown>) : {};
  const format = (value: unknown, unit: string): string =>
    typeof value === 'number' ? `${Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)} ${unit}`.trim() : '—';
  const lines = ['| figure | embedded (SQLite) | PostgreSQL | target | |', '| --- | ---: | ---: | ---: | --- |'];
  for (const f of figures) {
    lines.push(
      `| \`${f.key}\` | ${format(embedded[f.key], f.unit)} | ${format(f.value, f.unit)} | ${f.target ? `${f.target.kind === 'min' ? '≥' : '≤'} ${f.target.value}` : ''} | ${verdict(f)} |`,
    );
  }
  return lines.join('\n');
}
