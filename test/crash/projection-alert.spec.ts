import { chainEvents } from '../../src/events/hash-chain';
import { ledgerStream } from '../../src/events/streams';
import { startTestApp, type TestApp } from '../support/app';

/** A projection that stopped at an event it cannot fold is shown on every page, not only /health. */
describe('a stopped projection in the UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  it('puts a French banner on the pages while /health names the event', async () => {
    const mandataire = await t.login('jferry', 'demo-jules-ferry');
    const before = await mandataire.agent.get('/coops/C14001/years/2026').set('Accept', 'text/html').expect(200);
    expect(before.text).not.toMatch(/tableaux est arrêtée/);

    // A bug's event, written behind the decider's back: its lines cannot be folded.
    const stream = ledgerStream('C14001', 2026);
    const existing = await t.stores.eventStore.readStream(stream);
    const last = existing[existing.length - 1];
    const [poison] = chainEvents(last.metadata.hash, [
      {
        id: '00000000-0000-4000-8000-00000000dead',
        type: 'EntryRecorded',
        data: { entryId: 'broken', pj: '99', date: '2026-12-01', label: 'Ligne illisible', chequeNo: null, actionA: null, actionB: null, lines: null },
        metadata: { ...last.metadata, commandId: 'poison-0001', prevHash: '', hash: '' },
      },
    ]);
    await t.stores.eventStore.append(stream, [poison], last.revision);

    const health = await waitForFailure(t);
    const failed = health.projections.filter((p: { status: string }) => p.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].failedAt).toMatchObject({ type: 'EntryRecorded', stream });

    const page = await mandataire.agent.get('/coops/C14001/years/2026').set('Accept', 'text/html').expect(200);
    expect(page.text).toMatch(/Une partie des tableaux est arrêtée/);
    expect(page.text).toMatch(/EntryRecorded/);
  });
});

async function waitForFailure(t: TestApp) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await t.anonymous().get('/health');
    if (res.status === 503) return res.body;
    if (Date.now() > deadline) throw new Error(`no projection failed: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
