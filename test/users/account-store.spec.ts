import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Projector } from '../../src/projections/projector';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
import { PROJECTOR } from '../../src/tokens';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp } from '../support/app';

const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };
const GRID = '/api/coops/C14001/years/2026/grid';

/**
 * Accounts are not read models (issue 24, point 4): deleting read.sqlite to rebuild the read
 * models must leave every login, grant and session in place. They live in accounts.sqlite.
 */
describe('the account store, apart from the read models', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'cahier-accounts-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const removeReadModels = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read.sqlite${suffix}`), { force: true });
  };

  it('given a running demo, when read.sqlite is deleted and the server restarts, logins, sessions and grants still work and the ledger is rebuilt', async () => {
    const first = await startTestApp({ demo: true, dataDir });
    const login = await first.anonymous().post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(200);
    const cookie = login.get('Set-Cookie')!.map((c) => c.split(';')[0]);
    const grid = (await first.anonymous().get(GRID).set('Cookie', cookie).expect(200)).body;
    await first.close();

    removeReadModels();
    const second = await startTestApp({ dataDir });
    try {
      await second.app.get<Projector>(PROJECTOR).waitFor((await second.stores.eventStore.headPosition())!, 60_000);
      // The session opened before the restart is still known.
      const same = await second.anonymous().get(GRID).set('Cookie', cookie).expect(200);
      expect(same.body.rows).toEqual(grid.rows);
      await second.loginDemo('jferry', 'tresorier14', 'verif14', 'admin');
      expect(existsSync(join(dataDir, 'accounts.sqlite'))).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('given accounts an earlier version kept in read.sqlite, the first start carries them over and drops them from the read models', async () => {
    const old = new SqliteReadStore(join(dataDir, 'read.sqlite'));
    await new UserDirectory(old, CHEAP_SCRYPT).create({ username: 'ancien', password: 'un mot de passe assez long', role: 'admin' });
    await old.declareCollection('idempotent_requests', { indexes: [] });
    await old.put('idempotent_requests', 'key-0001', { fingerprint: 'f', body: null, at: '2026-11-27T09:00:00.000Z' });
    await old.close();

    const t = await startTestApp({ dataDir });
    try {
      await t.login('ancien', 'un mot de passe assez long');
      expect(await t.stores.accountStore.get('idempotent_requests', 'key-0001')).toMatchObject({ key: 'key-0001', fingerprint: 'f' });
      const read = new Database(join(dataDir, 'read.sqlite'), { readonly: true });
      try {
        expect(read.prepare("SELECT name FROM sqlite_master WHERE name IN ('doc_users', 'doc_idempotent_requests')").all()).toEqual([]);
      } finally {
        read.close();
      }
    } finally {
      await t.close();
    }
  });
});
