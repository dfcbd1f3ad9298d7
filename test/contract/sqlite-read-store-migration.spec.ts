import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';

/**
 * Files written before index columns became plain ones have VIRTUAL generated columns
 * (json_extract of the body): users and sessions live there and must survive the upgrade.
 */
describe('SqliteReadStore: files with generated index columns', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-store-migration-'));
    file = join(dir, 'read.sqlite');
    // The older shape, as its declareCollection wrote it.
    const db = new Database(file);
    db.exec(`
      CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL);
      CREATE TABLE read_collections (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
      CREATE TABLE "doc_users" (id TEXT PRIMARY KEY, body TEXT NOT NULL);
      ALTER TABLE "doc_users" ADD COLUMN "f_role" GENERATED ALWAYS AS (json_extract(body, '$.role')) VIRTUAL;
      ALTER TABLE "doc_users" ADD COLUMN "f_active" GENERATED ALWAYS AS (json_extract(body, '$.active')) VIRTUAL;
      ALTER TABLE "doc_users" ADD COLUMN "f_rank" GENERATED ALWAYS AS (json_extract(body, '$.rank')) VIRTUAL;
      CREATE INDEX "ix_users_role" ON "doc_users" ("f_role", id);
      CREATE INDEX "ix_users_active" ON "doc_users" ("f_active", id);
      CREATE INDEX "ix_users_rank" ON "doc_users" ("f_rank", id);
      INSERT INTO read_collections (name, spec) VALUES ('users', '{"indexes":["role","active","rank"]}');
      INSERT INTO checkpoints (projection, position) VALUES ('users-projection', '42');
    `);
    const insert = db.prepare('INSERT INTO "doc_users" (id, body) VALUES (?, ?)');
    insert.run('ana', JSON.stringify({ login: 'ana', role: 'admin', active: true, rank: 3, department: '14' }));
    insert.run('bob', JSON.stringify({ login: 'bob', role: 'treasurer', active: false, rank: 1, department: '75' }));
    insert.run('cyd', JSON.stringify({ login: 'cyd', role: null, active: true, rank: 2 }));
    insert.run('dan', JSON.stringify({ login: 'dan', active: true, rank: 2.5, department: '14' }));
    db.close();
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const columnsOf = (table: string): Array<{ name: string; hidden: number }> => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT name, hidden FROM pragma_table_xinfo(?)').all(table) as Array<{ name: string; hidden: number }>;
    } finally {
      db.close();
    }
  };

  it('declareCollection turns them into plain columns, keeping documents, filters, sorts and checkpoints', async () => {
    const store = new SqliteReadStore(file);
    try {
      await store.declareCollection('users', { indexes: ['role', 'active', 'rank', 'department'] });
      expect(columnsOf('doc_users').filter((c) => c.name.startsWith('f_'))).toEqual([
        { name: 'f_role', hidden: 0 },
        { name: 'f_active', hidden: 0 },
        { name: 'f_rank', hidden: 0 },
        { name: 'f_department', hidden: 0 },
      ]);
      expect(await store.get('users', 'ana')).toEqual({ login: 'ana', role: 'admin', active: true, rank: 3, department: '14' });
      expect(await store.count('users')).toBe(4);
      expect((await store.find('users', { where: { role: 'admin' } })).map((d) => d.login)).toEqual(['ana']);
      expect((await store.find('users', { where: { role: null } })).map((d) => d.login)).toEqual(['cyd', 'dan']);
      expect((await store.find('users', { where: { active: true } })).map((d) => d.login)).toEqual(['ana', 'cyd', 'dan']);
      expect((await store.find('users', { where: { active: false } })).map((d) => d.login)).toEqual(['bob']);
      expect((await store.find('users', { sort: { field: 'rank', direction: 'desc' } })).map((d) => d.login)).toEqual(['ana', 'dan', 'cyd', 'bob']);
      // A field declared after the documents were written is filled from them.
      expect((await store.find('users', { where: { department: '14' } })).map((d) => d.login)).toEqual(['ana', 'dan']);
      expect(await store.count('users', { department: null })).toBe(1);
      expect(await store.getCheckpoint('users-projection')).toBe(42n);

      // Writes after the migration keep the columns in step with the documents.
      await store.put('users', 'bob', { login: 'bob', role: 'admin', active: true, rank: 0, department: '14' });
      await store.put('users', 'eve', { login: 'eve', role: 'auditor', active: false, rank: 9 });
      await store.remove('users', 'cyd');
      expect((await store.find('users', { where: { role: 'admin', active: true } })).map((d) => d.login)).toEqual(['ana', 'bob']);
      expect((await store.find('users', { where: { department: '14' }, sort: { field: 'rank', direction: 'asc' } })).map((d) => d.login)).toEqual([
        'bob',
        'dan',
        'ana',
      ]);
      expect((await store.find('users', { where: { role: null } })).map((d) => d.login)).toEqual(['dan']);
    } finally {
      await store.close();
    }
  });

  it('the migrated indexes serve the filters', async () => {
    const store = new SqliteReadStore(file);
    await store.declareCollection('users', { indexes: ['role', 'active', 'rank'] });
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      const indexes = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'doc_users' AND sql IS NOT NULL").all() as Array<{ name: string }>
      ).map((i) => i.name);
      expect(indexes.sort()).toEqual(['ix_users_active', 'ix_users_rank', 'ix_users_role']);
      const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT body FROM "doc_users" WHERE "f_role" = ?').all('admin') as Array<{ detail: string }>)
        .map((p) => p.detail)
        .join(' ');
      expect(plan).toMatch(/ix_users_role/);
    } finally {
      db.close();
    }
  });

  it('writes to a file not migrated yet (before any declareCollection) are left to its generated columns', async () => {
    const store = new SqliteReadStore(file);
    try {
      await store.put('users', 'eve', { login: 'eve', role: 'auditor', active: false, rank: 9 });
      expect((await store.find('users', { where: { role: 'auditor' } })).map((d) => d.login)).toEqual(['eve']);
      await store.declareCollection('users', { indexes: ['role', 'active', 'rank'] });
      expect((await store.find('users', { where: { role: 'auditor' } })).map((d) => d.login)).toEqual(['eve']);
      expect(await store.count('users')).toBe(5);
    } finally {
      await store.close();
    }
  });

  it('opening a migrated file again changes nothing', async () => {
    const first = new SqliteReadStore(file);
    await first.declareCollection('users', { indexes: ['role', 'active', 'rank'] });
    await first.close();
    const second = new SqliteReadStore(file);
    try {
      await second.declareCollection('users', { indexes: ['role', 'active', 'rank'] });
      expect(columnsOf('doc_users').map((c) => [c.name, c.hidden])).toEqual([
        ['id', 0],
        ['body', 0],
        ['f_role', 0],
        ['f_active', 0],
        ['f_rank', 0],
      ]);
      expect((await second.find('users', { where: { active: true }, sort: { field: 'rank', direction: 'asc' } })).map((d) => d.login)).toEqual([
        'cyd',
        'dan',
        'ana',
      ]);
    } finally {
      await second.close();
    }
  });
});
