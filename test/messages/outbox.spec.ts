import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresMessageStore } from '../../src/messages/postgres-message-store';
import { SqliteMessageStore } from '../../src/messages/sqlite-message-store';
import { describePostgres, freshDatabase } from '../support/postgres';
import { outboxContract } from './outbox.contract';

outboxContract('SQLite (DATA_DIR/messages.sqlite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cahier-messages-'));
  const file = join(dir, 'messages.sqlite');
  const store = new SqliteMessageStore(file);
  return {
    store,
    another: async () => new SqliteMessageStore(file),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database?.drop());

  outboxContract('PostgreSQL (shared by the instances)', async () => {
    const store = await PostgresMessageStore.connect(database.url);
    return {
      store,
      another: () => PostgresMessageStore.connect(database.url),
      close: async () => {
        await store.close();
        // The next test's outbox starts empty.
        const client = new Client({ connectionString: database.url });
        await client.connect();
        await client.query('TRUNCATE messages, message_claims');
        await client.end();
      },
    };
  });
});
