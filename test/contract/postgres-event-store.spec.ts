import { Client } from 'pg';
import { type RecordedEvent } from '../../src/events/envelope';
import { appendIn, PostgresEventStore, startAppending } from '../../src/events/postgres-event-store';
import { coopStream, ledgerStream } from '../../src/events/streams';
import { describePostgres, freshDatabase } from '../support/postgres';
import { eventStoreContract } from './event-store.contract';
import { ids, reconciledEvents, uniqueCoopId, waitUntil } from './event-fixtures';

let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
const url = async (): Promise<string> => (database ??= await freshDatabase()).url;

describePostgres('PostgreSQL', () => {
  afterAll(() => database?.drop());

  eventStoreContract('PostgresEventStore', async () => PostgresEventStore.connect(await url()));

  describe('PostgresEventStore, beyond the contract', () => {
    let store: PostgresEventStore;
    beforeAll(async () => (store = await PostgresEventStore.connect(await url())));
    afterAll(() => store.close());

    const transaction = async (): Promise<Client> => {
      const client = new Client({ connectionString: await url() });
      await client.connect();
      await client.query('BEGIN');
      return client;
    };

    it('never skips an event committed late by an older transaction: two overlapping appends committing out of order', async () => {
      const coop = uniqueCoopId();
      const [older, newer] = [ledgerStream(coop, 2025), coopStream(coop)];
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeAll(await store.headPosition(), async (batch) => void seen.push(...batch), {
        streamPrefixes: [`ledger-${coop}-`, `coop-${coop}`],
      });
      const [first, second] = [await transaction(), await transaction()];
      try {
        // The older append starts (its lock, its transaction id), then is slow; the newer one appends and commits.
        await startAppending(first);
        await first.query('SELECT pg_current_xact_id()');
        const late = reconciledEvents(1);
        const early = reconciledEvents(1);
        await appendIn(second, newer, early, 'no_stream');
        await second.query('COMMIT');
        // What is committed already is readable by its stream (the log's readers wait for the older append).
        expect(ids(await store.readStream(newer))).toEqual(ids(early));
        await appendIn(first, older, late, 'no_stream');
        await first.query('COMMIT');

        await waitUntil(() => seen.length >= 2, 5000, 'les deux événements');
        await subscription.stop();
        // Both delivered, the older transaction's first: its positions are the lower ones.
        expect(ids(seen)).toEqual([...ids(late), ...ids(early)]);
        expect(seen[0].position < seen[1].position).toBe(true);
      } finally {
        await Promise.allSettled([first.end(), second.end()]);
      }
    });

    it('keeps the JSON as written (the hash chain hashes that text) and a transaction id and sequence number per event', async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const events = reconciledEvents(2);
      await store.append(stream, events, 'no_stream');
      const client = new Client({ connectionString: await url() });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT metadata::text AS metadata, transaction_id::text AS txid, sequence FROM events WHERE stream = $1 ORDER BY revision',
          [stream],
        );
        expect(rows.map((r) => r.metadata)).toEqual(events.map((e) => JSON.stringify(e.metadata)));
        expect(new Set(rows.map((r) => r.txid)).size).toBe(1);
        expect(Number(rows[1].sequence)).toBe(Number(rows[0].sequence) + 1);
      } finally {
        await client.end();
      }
    });

    it('appends in one statement (one round trip, as a bare INSERT); ids already stored in another stream are refused, naming it', async () => {
      const [stream, other] = [ledgerStream(uniqueCoopId(), 2025), ledgerStream(uniqueCoopId(), 2025)];
      const events = reconciledEvents(2);
      const sent: string[] = [];
      const pool = (store as unknown as { pool: { query: (...args: unknown[]) => unknown } }).pool;
      const query = pool.query;
      pool.query = function (this: unknown, ...args: unknown[]) {
        sent.push(String(args[0]));
        return query.apply(this, args);
      };
      try {
        await store.append(stream, events, 'no_stream');
      } finally {
        pool.query = query;
      }
      expect(sent).toHaveLength(1);
      await expect(store.append(other, events, 'no_stream')).rejects.toThrow(`déjà enregistré dans le flux ${stream}`);
      expect(await store.readStream(other)).toEqual([]);
    });

    it('says the store is unreachable, in French, once closed', async () => {
      const other = await PostgresEventStore.connect(await url());
      await other.close();
      await expect(other.ping()).rejects.toThrow(/injoignable/);
      await expect(other.append(coopStream(uniqueCoopId()), reconciledEvents(1), 'no_stream')).rejects.toThrow(/injoignable/);
    });
  });
});
