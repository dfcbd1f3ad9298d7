import { existsSync, promises as fsPromises, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskBlobStore } from '../../src/blobs/disk-blob-store';
import { DISK_FULL_SHOWN_MS } from '../../src/http/write-failures';
import { type Projector, ProjectionsBehind } from '../../src/projections/projector';
import { PROJECTOR } from '../../src/tokens';
import { eventCount, isFrench } from '../security/support';
import { type Agent, startTestApp, type TestApp } from '../support/app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const noSpace = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const sqliteFull = (): Error => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

/** Issue 12, finding 7: a full disk, injected (ENOSPC from the file system, SQLITE_FULL from the read store). */
describe('a full disk', () => {
  let t: TestApp;
  let jferry: Agent;
  const blobs = () => join(t.dataDir, 'blobs');
  const upload = (bytes = PDF) =>
    jferry.agent.post('/api/coops/C14001/years/2026/entries/C14001_2026_e04/attachments').set('X-CSRF-Token', jferry.csrf).attach('file', bytes, 'facture.pdf');
  const health = () => t.anonymous().get('/health');

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());
  afterEach(() => {
    jest.restoreAllMocks();
    t.clock.advance(DISK_FULL_SHOWN_MS + 1000);
  });

  it('an upload answers a French 503, leaves no half-written file, and /health says so until the disk has room', async () => {
    const realWrite = fsPromises.writeFile.bind(fsPromises);
    jest.spyOn(fsPromises, 'writeFile').mockImplementation(async (path, data) => {
      // Part of the file reaches the disk, then the room runs out.
      await realWrite(path, (data as Buffer).subarray(0, 10));
      throw noSpace();
    });
    const before = await eventCount(t);
    const res = await upload();
    expect([res.status, res.body.code]).toEqual([503, 'DISK_FULL']);
    expect(isFrench(res.body.message)).toBe(true);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(readdirSync(blobs()).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(await eventCount(t)).toBe(before);
    const sick = await health();
    expect(sick.status).toBe(503);
    expect(sick.body.writes.ok).toBe(false);

    jest.restoreAllMocks();
    t.clock.advance(DISK_FULL_SHOWN_MS + 1000);
    expect((await health()).status).toBe(200);
    await upload().expect(201);
  });

  it('a login answers a French 503 when its session cannot be written, on the API and on the page, and /health says so', async () => {
    jest.spyOn(t.stores.accountStore, 'put').mockRejectedValue(sqliteFull());
    const api = await t.anonymous().post('/api/login').send({ username: 'tilleuls', password: 'demo-les-tilleuls' });
    expect([api.status, api.body.code]).toEqual([503, 'DISK_FULL']);
    expect(isFrench(api.body.message)).toBe(true);
    const sick = await health();
    expect([sick.status, sick.body.writes.ok]).toEqual([503, false]);

    const browser = t.anonymous();
    jest.restoreAllMocks();
    const page = await browser.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    jest.spyOn(t.stores.accountStore, 'put').mockRejectedValue(sqliteFull());
    const form = await browser
      .post('/login')
      .set('Accept', 'text/html')
      .type('form')
      .send(new URLSearchParams({ _csrf: csrf, username: 'tilleuls', password: 'demo-les-tilleuls' }).toString());
    expect(form.status).toBe(503);
    expect(form.text).toContain('value="tilleuls"');
    expect(form.text).toMatch(/Le disque du serveur est plein/);

    jest.restoreAllMocks();
    t.clock.advance(DISK_FULL_SHOWN_MS + 1000);
    expect((await health()).status).toBe(200);
    await t.anonymous().post('/api/login').send({ username: 'tilleuls', password: 'demo-les-tilleuls' }).expect(200);
  });

  it('/health is well again at the first write that goes through, not 30 s later (issue #24 point 7)', async () => {
    const another = Buffer.concat([PDF, Buffer.from('% another voucher\n')]);
    jest.spyOn(fsPromises, 'writeFile').mockRejectedValue(noSpace());
    expect((await upload(another)).status).toBe(503);
    jest.restoreAllMocks();
    expect((await health()).status).toBe(503);
    await upload(another).expect(201);
    expect((await health()).status).toBe(200);
  });

  it('an entry stored while the read models cannot follow answers 503 "enregistré, affichage en retard", never 500 (issue #24 point 7)', async () => {
    const projector = t.app.get<Projector>(PROJECTOR);
    jest.spyOn(projector, 'waitFor').mockRejectedValue(new ProjectionsBehind(1n, ['notebook'], 5000));
    const before = await eventCount(t);
    const res = await jferry.post('/api/coops/C14001/years/2026/entries', {
      pj: 'DF1',
      date: '2026-11-20',
      label: 'Stocké malgré tout',
      chequeNo: null,
      actionA: null,
      actionB: null,
      lines: [
        { account: '6181', debit: 1000 },
        { account: '512', credit: 1000 },
      ],
    });
    expect([res.status, res.body.code]).toEqual([503, 'RECORDED_DISPLAY_LATE']);
    expect(res.body.message).toMatch(/^Enregistré, affichage en retard/);
    expect(await eventCount(t)).toBe(before + 1);
  });

  it('removes half-written voucher files left by an earlier run at start', () => {
    const leftover = join(blobs(), `${'a'.repeat(64)}.1234.tmp`);
    writeFileSync(leftover, 'moitié');
    const kept = join(blobs(), 'b'.repeat(64));
    writeFileSync(kept, '%PDF-');
    new DiskBlobStore(t.dataDir);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });
});
