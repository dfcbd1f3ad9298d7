import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/**
 * The inventory register is the coop's (DOMAIN.md, "Validated books"): a camera bought on
 * 12/11/2024 is held in 2025 and 2026 until it leaves, and it can leave in a later year than the
 * one it was inscribed in (it answered 404 ITEM_NOT_FOUND). Today: 27/11/2026.
 */
describe("the coop's inventory register across its years", () => {
  let t: TestApp;
  let m: Agent;
  const year = (y: number) => `/api/coops/C14200/years/${y}`;
  let camera = '';

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: 'C14200',
          department: '14',
          firstYear: 2024,
          identity: { name: 'Coopérative des Lilas', mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    await t.app.get(UserDirectory).create({ username: 'lilas200', password: 'un mot de passe solide', role: 'mandataire', coopId: 'C14200', department: '14' });
    m = await t.login('lilas200', 'un mot de passe solide');
    camera = (
      await m.post(`${year(2024)}/inventory`, { designation: 'Appareil photo', acquiredOn: '2024-11-12', quantity: 1, value: 24990, pj: '12' }).expect(201)
    ).body.itemId;
  });
  afterAll(() => t.close());

  const held = async (y: number): Promise<string[]> =>
    (await m.get(`${year(y)}/crf`).expect(200)).body.inventory.held.map((i: { designation: string }) => i.designation);
  const left = async (y: number): Promise<string[]> =>
    (await m.get(`${year(y)}/crf`).expect(200)).body.inventory.left.map((i: { designation: string }) => i.designation);

  it('a good never removed is held in every later year, and listed on the inventory page of those years', async () => {
    expect(await held(2025)).toEqual(['Appareil photo']);
    expect(await held(2026)).toEqual(['Appareil photo']);
    const page = await m.agent.get('/coops/C14200/years/2026/inventaire').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Appareil photo');
    expect(page.text).toContain(`/inventaire/${camera}/sortie`);
  });

  it('removed in a later year than its purchase: it leaves that year, was held before, is gone after', async () => {
    await m.delete(`${year(2025)}/inventory/${camera}?leftOn=2026-03-15`).expect(204);
    expect(await held(2024)).toEqual(['Appareil photo']);
    expect(await held(2025)).toEqual([]);
    expect(await left(2025)).toEqual(['Appareil photo']);
    expect(await held(2026)).toEqual([]);
    expect(await left(2026)).toEqual([]);
    // Gone: removing it again, in that year or a later one, finds nothing.
    expect((await m.delete(`${year(2025)}/inventory/${camera}`).expect(404)).body.code).toBe('ITEM_NOT_FOUND');
    expect((await m.delete(`${year(2026)}/inventory/${camera}`).expect(404)).body.code).toBe('ITEM_NOT_FOUND');
  });
});
