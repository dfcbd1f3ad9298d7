import Database from 'better-sqlite3';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { currentFiscalYear, systemClock } from '../../src/domain/fiscal-year';
import { eventCount, foldedReadModels, storedReadModels } from '../crash/read-models';
import { call, killAll, login, removeDataDir, runCli, startServer, tempDataDir, waitForCaughtUp } from '../support/spawn';

/**
 * The administration CLI as an operator runs it (`npm run cli -- …`: a real process on DATA_DIR).
 * The tests share one DATA_DIR and run in order: seed, create, verify, rebuild, tamper.
 */
// Each test takes 5–25 s on an idle 2-core machine; the margin is for a loaded CI runner.
jest.setTimeout(240_000);

const year = currentFiscalYear(systemClock);
const PASSWORD = 'Cahier-Coop-2026-robuste';

describe('CLI (npm run cli)', () => {
  let dataDir: string;
  const copies: string[] = [];

  beforeAll(() => {
    dataDir = tempDataDir('cahier-cli-');
  });

  afterAll(async () => {
    await killAll();
    for (const dir of [dataDir, ...copies]) removeDataDir(dir);
  });

  it('demo:seed prints the logins and is idempotent', async () => {
    const first = await runCli(dataDir, ['demo:seed']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('jferry / demo-jules-ferry');
    expect(first.stdout).toContain('admin / demo-admin-2025');
    const seeded = eventCount(dataDir);
    expect(seeded).toBeGreaterThan(20);

    const second = await runCli(dataDir, ['demo:seed']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('jferry / demo-jules-ferry');
    expect(eventCount(dataDir)).toBe(seeded);
    expect(users(dataDir).filter((u) => u.username === 'jferry')).toHaveLength(1);
  });

  it('coop:create then user:create register the coop and its accounts; a bad role fails in French', async () => {
    const coop = await runCli(dataDir, [
      'coop:create',
      '--id',
      'C14099',
      '--name',
      'Coopérative du Bocage',
      '--department',
      '14',
      '--username',
      'bocage',
      '--password',
      PASSWORD,
    ]);
    expect(coop.stderr).toBe('');
    expect(coop.code).toBe(0);
    expect(coop.stdout).toContain(`Coopérative C14099 créée (département 14, premier exercice ${year}-${year + 1}) ; mandataire : bocage.`);
    expect(streamTypes(dataDir, 'coop-C14099')).toEqual(['CoopRegistered']);

    const auditor = await runCli(dataDir, ['user:create', '--username', 'verif-bocage', '--password', PASSWORD, '--role', 'auditor', '--coop', 'C14099']);
    expect(auditor.code).toBe(0);
    expect(auditor.stdout).toContain('Compte verif-bocage (auditor) créé.');

    const accounts = Object.fromEntries(users(dataDir).map((u) => [u.username, u]));
    expect(accounts.bocage).toMatchObject({ role: 'mandataire', coopId: 'C14099', department: '14' });
    expect(accounts['verif-bocage']).toMatchObject({ role: 'auditor', grants: { departments: [], coops: ['C14099'] } });
    // Hashed, never kept as given.
    expect(JSON.stringify(accounts.bocage)).not.toContain(PASSWORD);

    const before = users(dataDir).length;
    const bad = await runCli(dataDir, ['user:create', '--username', 'intrus', '--password', PASSWORD, '--role', 'directeur']);
    expect(bad.signal).toBeNull();
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Rôle inconnu : directeur.');
    expect(users(dataDir)).toHaveLength(before);
  });

  it('history:verify passes on the demo, for everything and for one coop', async () => {
    const [all, one] = await Promise.all([runCli(dataDir, ['history:verify']), runCli(dataDir, ['history:verify', '--coop', 'C14001'])]);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout).toContain(`Historique intègre : ${eventCount(dataDir)} événements`);
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toMatch(/Historique intègre : \d+ événements, \d+ flux vérifiés\./);
  });

  it('projections:rebuild shows a progress bar and yields the very documents the live projector wrote', async () => {
    // Live projection: the server catches up on the CLI's events, then projects each write as it happens.
    const server = await startServer(dataDir);
    const jferry = await login(server.baseUrl, 'jferry', 'demo-jules-ferry');
    const base = `/api/coops/C14001/years/${year}`;
    const ids: string[] = [];
    for (const [i, amount] of [1500, 2750, 4000].entries()) {
      const res = await call(server.baseUrl, jferry, 'POST', `${base}/entries`, sale(`R${i}`, amount));
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { entryId: string }).entryId);
    }
    expect((await call(server.baseUrl, jferry, 'PUT', `${base}/entries/${ids[0]}`, sale('R0', 1600))).status).toBe(200);
    expect((await call(server.baseUrl, jferry, 'DELETE', `${base}/entries/${ids[1]}`)).status).toBe(204);
    expect((await call(server.baseUrl, jferry, 'POST', `${base}/entries/${ids[2]}/reconciliation`, {})).status).toBe(200);
    // The accounts made by the CLI log in to the server.
    const bocage = await login(server.baseUrl, 'bocage', PASSWORD);
    expect((await call(server.baseUrl, bocage, 'GET', `/api/coops/C14099/years/${year}/grid`)).status).toBe(200);
    await waitForCaughtUp(server.baseUrl);
    // A clean stop: Nest closes the app and the stores, then re-raises the signal.
    await server.kill('SIGTERM');

    // Every collection: the rebuild must also leave versions as they were; accounts are not read models.
    const live = storedReadModels(dataDir, 'all');
    expect(Object.keys(live.documents)).toEqual(expect.arrayContaining(['notebooks', 'notebook_entries', 'coops']));
    expect(Object.keys(live.documents)).not.toContain('users');
    const accounts = users(dataDir);
    const rows = Object.values(live.documents.notebook_entries) as Array<{ notebook: string; pj: string; deleted: boolean }>;
    const entries = rows.filter((row) => row.notebook === `C14001:${year}` && !row.deleted);
    expect(entries.map((e) => e.pj)).toEqual(expect.arrayContaining(['R0', 'R2']));
    expect(entries.map((e) => e.pj)).not.toContain('R1');

    const rebuild = await runCli(dataDir, ['projections:rebuild']);
    expect(rebuild.code).toBe(0);
    const folded = await foldedReadModels(dataDir);
    const head = folded.head;
    expect(rebuild.stdout).toContain(`\r[${'#'.repeat(30)}] 100 % (${head}/${head} événements)`);
    expect(rebuild.stdout).toMatch(/Lectures reconstruites en \d+\.\d s\./);

    const rebuilt = storedReadModels(dataDir, 'all');
    expect(rebuilt.documents).toEqual(live.documents);
    expect(rebuilt.checkpoints).toEqual(live.checkpoints);
    expect(Object.values(rebuilt.checkpoints)).toEqual(Object.values(rebuilt.checkpoints).map(() => head));
    expect(users(dataDir)).toEqual(accounts);
    // And both are the reducers' fold of the whole log.
    expect(storedReadModels(dataDir).documents).toEqual(folded.documents);
  });

  it('history:verify compares the read models with a replay of the events: exits 1 naming the edited notebook row', async () => {
    const untouched = await runCli(dataDir, ['history:verify']);
    expect(untouched.code).toBe(0);
    expect(untouched.stdout).toMatch(/Données affichées conformes aux événements : [1-9]\d* documents comparés\./);

    const tampered = tempDataDir('cahier-cli-tampered-read-');
    copies.push(tampered);
    cpSync(dataDir, tampered, { recursive: true });
    const db = new Database(join(tampered, 'read.sqlite'));
    const row = db
      .prepare("SELECT id, body FROM doc_notebook_entries WHERE json_extract(body, '$.pj') = '03' AND json_extract(body, '$.notebook') = ?")
      .get(`C14001:${year}`) as {
      id: string;
      body: string;
    };
    const doc = JSON.parse(row.body) as { label: string; lines: Array<{ debit?: number }> };
    const edited = { ...doc, label: 'TAMPERED', lines: doc.lines.map((l) => (l.debit ? { ...l, debit: l.debit * 100 } : l)) };
    db.prepare('UPDATE doc_notebook_entries SET body = ? WHERE id = ?').run(JSON.stringify(edited), row.id);
    db.close();

    const [all, sameCoop, otherCoop] = await Promise.all([
      runCli(tampered, ['history:verify']),
      runCli(tampered, ['history:verify', '--coop', 'C14001']),
      runCli(tampered, ['history:verify', '--coop', 'C14002']),
    ]);
    expect(all.code).toBe(1);
    // The log itself is intact; the read model is not.
    expect(all.stdout).toContain('Historique intègre');
    expect(all.stderr).toContain(`Données affichées altérées (coopérative C14001) : le document « notebook_entries » n° ${row.id} diffère`);
    expect(all.stderr).toMatch(/champ « (label|lines\.\d+\.debit) »/);
    expect(sameCoop.code).toBe(1);
    expect(otherCoop.code).toBe(0);
  });

  it('history:verify exits 1 naming the first bad event once one row of the log is edited', async () => {
    const tampered = tempDataDir('cahier-cli-tampered-');
    copies.push(tampered);
    cpSync(dataDir, tampered, { recursive: true });
    const db = new Database(join(tampered, 'events.sqlite'));
    const row = db
      .prepare(`SELECT position, stream, revision, data FROM events WHERE type = 'EntryRecorded' AND stream = ? AND json_extract(data, '$.pj') = '03'`)
      .get(`ledger-C14001-${year}`) as { position: number; stream: string; revision: number; data: string };
    const data = JSON.parse(row.data) as { lines: Array<{ account: string; debit?: number }> };
    // 320,00 € of photos sold becomes 3 200,00 €.
    const bankLine = data.lines.find((l) => l.account === '512')!;
    bankLine.debit = bankLine.debit! * 10;
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
    db.close();

    const [broken, sameCoop, otherCoop] = await Promise.all([
      runCli(tampered, ['history:verify']),
      runCli(tampered, ['history:verify', '--coop', 'C14001']),
      runCli(tampered, ['history:verify', '--coop', 'C14002']),
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`premier événement en défaut ${row.stream}@${row.revision} (position ${row.position}, EntryRecorded)`);
    expect(broken.stderr).toContain('contenu modifié');

    expect(sameCoop.code).toBe(1);
    // Another coop's history is untouched.
    expect(otherCoop.code).toBe(0);
  });
});

function sale(pj: string, amount: number) {
  return {
    pj,
    date: `${year}-09-25`,
    label: `Vente de calendriers ${pj}`,
    chequeNo: null,
    actionA: 'Calendriers',
    actionB: null,
    lines: [
      { account: '512', debit: amount },
      { account: '7070', credit: amount },
    ],
  };
}

function users(dataDir: string): Array<Record<string, unknown> & { username: string }> {
  const db = new Database(join(dataDir, 'accounts.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT body FROM doc_users ORDER BY id').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body));
  } finally {
    db.close();
  }
}

function streamTypes(dataDir: string, stream: string): string[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT type FROM events WHERE stream = ? ORDER BY revision').all(stream) as Array<{ type: string }>).map((r) => r.type);
  } finally {
    db.close();
  }
}
