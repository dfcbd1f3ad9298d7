import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from '../../src/projections/mongo-read-store';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
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
