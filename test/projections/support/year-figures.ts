import { ProjectedCommandBus } from '../../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../../src/commands/command-context';
import { RegisterCoop } from '../../../src/commands/coop.commands';
import { UserDirectory } from '../../../src/users/user-directory';
import { type Agent, type TestApp } from '../../support/app';

/**
 * The figures a data folder shows through the API — each coop-year's grid (opening, balances,
 * carried-over items, totals), CRF and checklist, the department's board and trial balance per
 * year — to compare a data folder's figures before and after its read models are rebuilt.
 */
export const FIGURES_COOPS = ['C14001', 'C14002', 'C14922'];
export const FIGURES_YEARS = [2024, 2025, 2026];
export const THREE_YEARS_PASSWORD = 'un mot de passe solide';

/** Issue 22's coop with three open years (2024 declared 1 000,00 / 50,00), added to the demo. */
export async function addThreeOpenYears(t: TestApp): Promise<void> {
  await t.app.get(ProjectedCommandBus).execute(
    new RegisterCoop(
      {
        type: 'RegisterCoop',
        coopId: 'C14922',
        department: '14',
        firstYear: 2024,
        identity: { name: 'Coopérative des Trois Années', mandataires: ['Claire Martin'] },
      },
      commandContext(SYSTEM),
    ),
  );
  await t.app.get(UserDirectory).create({ username: 'troisannees', password: THREE_YEARS_PASSWORD, role: 'mandataire', coopId: 'C14922', department: '14' });
  const owner = await t.login('troisannees', THREE_YEARS_PASSWORD);
  const api = (year: number) => `/api/coops/C14922/years/${year}`;
  const entry = (pj: string, date: string, debit: string, credit: string, amount: number) => ({
    pj,
    date,
    label: `Écriture ${pj}`,
    lines: [
      { account: debit, debit: amount },
      { account: credit, credit: amount },
    ],
  });
  await owner.post(`${api(2024)}/opening`, { bank: 100000, cash: 5000, date: '2024-09-01' }).expect(201);
  await owner.post(`${api(2024)}/entries`, entry('01', '2024-10-01', '512', '7070', 20000)).expect(201);
  await owner.post(`${api(2024)}/entries`, entry('02', '2024-10-02', '6181', '530', 3000)).expect(201);
  await owner.post(`${api(2025)}/entries`, entry('01', '2025-10-01', '512', '7070', 38000)).expect(201);
  await owner.post(`${api(2025)}/entries`, entry('02', '2025-10-02', '530', '7070', 1000)).expect(201);
  await owner.post(`${api(2026)}/entries`, entry('01', '2026-10-01', '6181', '512', 4000)).expect(201);
}

const body = async (agent: Agent, url: string): Promise<unknown> => {
  const res = await agent.get(url);
  return res.status === 200 ? res.body : { status: res.status };
};

/** Every figure above, keyed by where it was read; the admin sees every coop and department. */
export async function yearFigures(t: TestApp): Promise<Record<string, unknown>> {
  const [admin] = await t.loginDemo('admin');
  const figures: Record<string, unknown> = {};
  for (const year of FIGURES_YEARS) {
    figures[`board ${year}`] = await body(admin, `/api/departments/14/coops?year=${year}`);
    figures[`trial balance ${year}`] = await body(admin, `/api/departments/14/years/${year}/trial-balance?scope=all`);
    for (const coop of FIGURES_COOPS) {
      const api = `/api/coops/${coop}/years/${year}`;
      figures[`grid ${coop} ${year}`] = await body(admin, `${api}/grid`);
      figures[`crf ${coop} ${year}`] = await body(admin, `${api}/crf`);
      figures[`checklist ${coop} ${year}`] = await body(admin, `${api}/checklist`);
      figures[`statements ${coop} ${year}`] = await body(admin, `${api}/statements`);
    }
  }
  return figures;
}
