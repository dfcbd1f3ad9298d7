import { CommandBus } from '@nestjs/cqrs';
import { commandContext } from '../../src/commands/command-context';
import { ExecuteLedgerCommand } from '../../src/commands/ledger.commands';
import { type Projector } from '../../src/projections/projector';
import { PROJECTOR } from '../../src/tokens';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/spawn';

/**
 * Lost update through the answer (issue 12, item 8): while an amendment's answer waits for the
 * projections, another amendment of the same entry lands. The first answer must report the
 * revision its own event made, so the client sending it back as expectedRevision is told the
 * entry moved on (409), instead of overwriting the other change.
 */
describe('a command answer while another command on the same entry lands', () => {
  let t: TestApp;
  let mandataire: Agent;
  const base = '/api/coops/C14001/years/2026';
  const entry = (label: string) => ({
    pj: '70',
    date: '2027-03-12',
    label,
    chequeNo: null,
    actionA: null,
    actionB: null,
    lines: [
      { account: '512', debit: 12000 },
      { account: '7070', credit: 12000 },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [mandataire] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('reports the revision of its own events, and the stale revision is then refused', async () => {
    const { body: created } = await mandataire.post(`${base}/entries`, entry('Kermesse – gâteaux')).expect(201);
    const { entryId } = created as { entryId: string };

    // The projections hold every answer back until the test lets them go.
    const projector = t.app.get<Projector>(PROJECTOR);
    const waitFor = projector.waitFor.bind(projector);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    projector.waitFor = async (position, timeoutMs) => {
      await held;
      return waitFor(position, timeoutMs);
    };
    const amendments = async () =>
      (await t.stores.eventStore.readStream('ledger-C14001-2026')).filter(
        (e) => e.type === 'EntryAmended' && (e.data as { entryId: string }).entryId === entryId,
      ).length;

    const first = mandataire.put(`${base}/entries/${entryId}`, { ...entry('Kermesse – gâteaux et boissons'), expectedRevision: 1 }).then((res) => res);
    await waitUntil('the first amendment appended', 10_000, async () => ((await amendments()) === 1 ? true : undefined));
    // Another person's amendment, appended while the first answer waits.
    const other = await t.app
      .get(CommandBus)
      .execute(
        new ExecuteLedgerCommand(
          'C14001',
          2026,
          { type: 'AmendEntry', entryId, entry: entry('Kermesse – boissons seulement') },
          commandContext({ username: 'tilleuls', role: 'mandataire' }),
        ),
      );
    expect(other.answer.entryRevision).toBe(3);
    release();
    projector.waitFor = waitFor;

    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ entryId, revision: 2 });
    const overwrite = await mandataire.put(`${base}/entries/${entryId}`, {
      ...entry('Kermesse – gâteaux et boissons (bis)'),
      expectedRevision: answered.body.revision,
    });
    expect(overwrite.status).toBe(409);
    expect(overwrite.body).toMatchObject({ code: 'STALE_REVISION' });
  });
});
