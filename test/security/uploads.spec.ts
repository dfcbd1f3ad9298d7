import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ATTACHMENT_SIZE } from '../../src/domain/ledger';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';
import { describeRefusal, eventCount, isFrench } from './support';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(32), Buffer.from([0xff, 0xd9])]);
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every file under a directory, relative paths. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** Vouchers: type by magic bytes, a size limit, never a path from the file name, served as downloads. */
describe('voucher uploads', () => {
  const base = '/api/coops/C14001/years/2026';
  const entry = 'C14001_2026_e04';
  const url = `${base}/entries/${entry}/attachments`;
  let t: TestApp;
  let m: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    m = await t.login('jferry', 'demo-jules-ferry');
  });
  afterAll(() => t.close());

  const upload = (bytes: Buffer, filename: string, contentType?: string) =>
    m.agent
      .post(url)
      .set('X-CSRF-Token', m.csrf)
      .attach('file', bytes, contentType ? { filename, contentType } : { filename });

  async function expectRefused(res: Awaited<ReturnType<typeof upload>>, status: number, before: number): Promise<void> {
    expect(res.status).toBe(status);
    expect(describeRefusal(res)).toBeNull();
    expect(await eventCount(t)).toBe(before);
  }

  it.each([
    ['a PDF', PDF, 'facture.pdf', 'application/pdf'],
    ['a PNG', PNG, 'ticket.png', 'image/png'],
    ['a JPEG', JPEG, 'photo du ticket.jpg', 'image/jpeg'],
  ])('accepts %s and serves it back as a download, never rendered inline', async (_what, bytes, filename, type) => {
    const res = await upload(bytes, filename).expect(201);
    expect(res.body).toEqual({ attachmentId: expect.any(String), sha256: sha256(bytes) });
    const download = await m.get(`${url}/${res.body.attachmentId}`).buffer(true).parse(binaryBody);
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-type']).toBe(type);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it('judges the type by the content: HTML named .pdf or declared image/png is refused with 415', async () => {
    const before = await eventCount(t);
    const blobs = filesUnder(join(t.dataDir, 'blobs'));
    const named = await upload(HTML, 'facture.pdf', 'application/pdf');
    await expectRefused(named, 415, before);
    expect(named.body.code).toBe('FILE_TYPE_REFUSED');
    expect(named.body.message).toBe('Seuls les fichiers PDF, JPEG ou PNG sont acceptés.');
    await expectRefused(await upload(HTML, 'image.png', 'image/png'), 415, before);
    await expectRefused(await upload(Buffer.from('GIF89a'), 'anim.gif'), 415, before);
    await expectRefused(await upload(Buffer.from('MZ\x90\x00'), 'facture.pdf.exe'), 415, before);
    expect(filesUnder(join(t.dataDir, 'blobs'))).toEqual(blobs);
  });

  it('refuses a file over 10 MiB with 413 in French and stores nothing', async () => {
    const before = await eventCount(t);
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_SIZE)]);
    const res = await upload(big, 'gros.pdf');
    await expectRefused(res, 413, before);
    expect(isFrench(res.body.message)).toBe(true);
    // Exactly 10 MiB is still fine.
    const limit = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 - PDF.length)]);
    await upload(limit, 'juste.pdf').expect(201);
  });

  it('answers 400 when there is no file', async () => {
    const before = await eventCount(t);
    const empty = await m.agent.post(url).set('X-CSRF-Token', m.csrf).field('note', 'pas de fichier');
    await expectRefused(empty, 400, before);
    expect(empty.body.code).toBe('FILE_REQUIRED');
    await expectRefused(await upload(Buffer.alloc(0), 'vide.pdf'), 400, before);
    await expectRefused(await m.agent.post(url).set('X-CSRF-Token', m.csrf).attach('autre', PDF, 'facture.pdf'), 400, before);
  });

  it('never uses the file name as a path, and keeps it out of the response headers', async () => {
    const hostile = ['../../../../tmp/evil.pdf', '..\\..\\windows\\evil.pdf', '/etc/passwd.pdf', 'a";b=c; filename*=x.pdf'];
    for (const [i, filename] of hostile.entries()) {
      const bytes = Buffer.concat([PDF, Buffer.from(`% ${i}\n`)]);
      const res = await upload(bytes, filename).expect(201);
      // Stored under its hash, nowhere else.
      expect(filesUnder(t.dataDir)).toContain(`blobs/${sha256(bytes)}`);
      expect(filesUnder(t.dataDir).some((f) => /evil|passwd/.test(f))).toBe(false);
      const download = await m.get(`${url}/${res.body.attachmentId}`).expect(200);
      const disposition = download.headers['content-disposition'] as string;
      const plainName = /filename="([^"]*)"/.exec(disposition)?.[1] ?? '';
      expect(plainName).toMatch(/^[A-Za-z0-9._-]+\.pdf$/);
      expect(plainName).not.toMatch(/[/\\]/);
      expect(disposition.split(';').filter((part) => part.trim().startsWith('filename=')).length).toBe(1);
    }
  });

  it('refuses a voucher for an entry that does not exist, and another coop', async () => {
    const before = await eventCount(t);
    const missing = await m.agent.post(`${base}/entries/E_ABSENT/attachments`).set('X-CSRF-Token', m.csrf).attach('file', PDF, 'facture.pdf');
    await expectRefused(missing, 404, before);
    const other = await m.agent.post('/api/coops/C14002/years/2026/entries/x/attachments').set('X-CSRF-Token', m.csrf).attach('file', PDF, 'facture.pdf');
    await expectRefused(other, 404, before);
  });

  describe('the page form (issue 12, finding 9: its token was in the URL)', () => {
    const page = `/coops/C14001/years/2026/ecritures/${entry}`;
    const pageUpload = () => m.agent.post(`${page}/pieces`).set('Accept', 'text/html');

    it('carries its token as a form field before the file, not in its action URL', async () => {
      const form = await m.agent.get(page).set('Accept', 'text/html').expect(200);
      const tag =
        /<form method="post" action="([^"]*\/pieces)" enctype="multipart\/form-data"[^>]*>\s*(?:\{\{!--.*--\}\}\s*)?<input type="hidden" name="_csrf" value="([^"]+)">/.exec(
          form.text,
        );
      expect(tag?.[1]).toBe(`${page}/pieces`);
      expect(tag?.[2]).toBe(m.csrf);
      const res = await pageUpload().field('_csrf', m.csrf).attach('file', PDF, 'facture-page.pdf');
      expect(res.status).toBe(303);
    });

    it('refuses the token in the URL, a missing or wrong one, and one sent after the file', async () => {
      const before = await eventCount(t);
      const refused = [
        await m.agent
          .post(`${page}/pieces?_csrf=${encodeURIComponent(m.csrf)}`)
          .set('Accept', 'text/html')
          .attach('file', PDF, 'url.pdf'),
        await pageUpload().attach('file', PDF, 'none.pdf'),
        await pageUpload().field('_csrf', 'not-the-token').attach('file', PDF, 'wrong.pdf'),
        await pageUpload().attach('file', PDF, 'late.pdf').field('_csrf', m.csrf),
        await pageUpload().field('_csrf', 'not-the-token'),
      ];
      expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
      expect(await eventCount(t)).toBe(before);
    });

    it('a multipart change to a route that reads no parts is refused without the header', async () => {
      const res = await m.agent.post('/coops/C14001/years/2026/ecritures').set('Accept', 'application/json').field('_csrf', m.csrf).field('pj', '99');
      expect([res.status, res.body.code]).toEqual([403, 'CSRF']);
    });
  });
});
