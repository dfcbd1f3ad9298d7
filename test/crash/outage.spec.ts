import { spawnSync } from 'node:child_process';
import { tempDataDir, removeDataDir } from '../support/spawn';
import { startTestApp, type TestApp } from '../support/app';

/** Production engines out of reach: a clear line at start-up, a French 503 during an outage. */
describe('store outages', () => {
  const startWith = (env: Record<string, string>) => {
    const dataDir = tempDataDir('cahier-outage-');
    try {
      return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', FORCE_COLOR: '0', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
    } finally {
      removeDataDir(dataDir);
    }
  };

  it('stops start-up with one clear line when EventStoreDB cannot be reached', () => {
    const run = startWith({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false', READ_STORE: 'embedded' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Démarrage impossible : Le stockage EventStoreDB est injoignable/);
  });

  it('stops start-up with one clear line when MongoDB cannot be reached', () => {
    const run = startWith({ EVENT_STORE: 'embedded', READ_STORE: 'mongodb', MONGODB_URL: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Démarrage impossible : Le stockage mongodb est injoignable/);
  });

  it('refuses a misconfiguration in one line too', () => {
    const run = startWith({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: '' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Démarrage impossible : EVENT_STORE=eventstoredb demande EVENTSTORE_URL');
  });

  describe('during an outage', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ demo: true });
    });
    afterAll(() => t.close());

    it('answers a French 503 to the API and to pages, never a hang or a 500', async () => {
      const mandataire = await t.login('jferry', 'demo-jules-ferry');
      await t.stores.eventStore.close();
      const api = await mandataire.post('/api/coops/C14001/years/2026/entries', {
        pj: '90',
        date: '2026-12-01',
        label: 'Pendant la panne',
        chequeNo: null,
        actionA: null,
        actionB: null,
        lines: [
          { account: '512', debit: 100 },
          { account: '7700', credit: 100 },
        ],
      });
      expect(api.status).toBe(503);
      expect(api.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(api.body.message).toMatch(/indisponible/);
      const page = await mandataire.agent
        .post('/coops/C14001/years/2026/ecritures')
        .set('Accept', 'text/html')
        .type('form')
        .send(
          `_csrf=${encodeURIComponent(mandataire.csrf)}&pj=91&date=01%2F12%2F2026&label=Panne&lines[0][account]=512&lines[0][debit]=1&lines[1][account]=7700&lines[1][credit]=1`,
        );
      expect(page.status).toBe(503);
      expect(page.text).toMatch(/indisponible/);
    });
  });
});
