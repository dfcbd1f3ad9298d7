import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from '../../src/projections/mongo-read-store';
import { PostgresReadStore } from '../../src/projections/postgres-read-store';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
import { describePostgres, freshDatabase } from '../support/postgres';
import { readStoreContract } from './read-store.contract';

readStoreContract('embedded (better-sqlite3)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
  const store = new SqliteReadStore(join(dir, 'read.sqlite'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  let databases = 0;
  readStoreContract('MongoDB', async () => {
    const dbName = `cahier_coop_contract_${process.pid}_${++databases}`;
    const store = await MongoReadStore.connect(mongoUrl, dbName);
    return {
      store,
      dispose: async () => {
        await store.close();
        const client = await MongoClient.connect(mongoUrl);
        await client.db(dbName).dropDatabase();
        await client.close();
      },
    };
  });
} else {
  process.stdout.write('MongoDB contract: skipped (MONGODB_URL not set)\n');
}

describePostgres('PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let stores = 0;
  beforeAll(async () => (database = await freshDatabase()));
  afterAll(() => database.drop());
  // A prefix per store: each test starts empty on the one database.
  readStoreContract('PostgreSQL', async () => {
    const store = await PostgresReadStore.connect(database.url, { prefix: `t${++stores}_` });
    return { store, dispose: () => store.close() };
  });
});
