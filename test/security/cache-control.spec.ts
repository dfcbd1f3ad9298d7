import { type Agent, startTestApp, type TestApp } from '../support/app';

/** Issue #24 point 11: authenticated data is never kept by a cache (no-store, or private no-cache with its ETag). */
describe('Cache-Control of every data answer', () => {
  let t: TestApp;
  let jferry: Agent;
  let tresorier: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry, tresorier] = await t.loginDemo('jferry', 'tresorier14');
  });
  afterAll(() => t.close());

  const NOT_KEPT = /^(no-store|private, no-cache)$/;

  it.each([
    ['jferry', '/api/session'],
    ['jferry', '/api/coops/C14001/years/2025/grid'],
    ['jferry', '/api/coops/C14001/years/2025/statements'],
    ['jferry', '/api/coops/C14001/years/2025/export.csv'],
    ['jferry', '/api/coops/C14001/years/2025/fec.txt'],
    ['tresorier14', '/api/departments/14/years/2025/trial-balance.xlsx'],
    ['tresorier14', '/api/departments/14/years/2025/completeness.csv'],
    ['tresorier14', '/api/departments/14/coops'],
  ])('%s GET %s', async (who, path) => {
    const answer = await (who === 'jferry' ? jferry : tresorier).get(path);
    expect(answer.status).toBeLessThan(400);
    expect(answer.headers['cache-control']).toMatch(NOT_KEPT);
  });

  it("an action's xlsx export", async () => {
    const [action] = (await jferry.get('/api/coops/C14001/years/2025/actions').expect(200)).body as Array<{ name: string }>;
    const answer = await jferry.get(`/api/coops/C14001/years/2025/actions/${encodeURIComponent(action.name)}/export.xlsx`).expect(200);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('a quitus code page, known or not, is kept by no cache', async () => {
    const answer = await t.anonymous().get('/api/quitus/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('the assets stay cacheable', async () => {
    const css = await t.anonymous().get('/assets/app.css');
    expect(css.headers['cache-control']).toContain('max-age');
  });
});
