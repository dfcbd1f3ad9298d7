import { type Chart, defaultChart } from '../../src/domain/chart';
import { type ChartCommand, type ChartEnv, decideChart, evolveChart } from '../../src/domain/chart-changes';

/** No entry of the year uses any account yet. */
export const NOTHING_IN_USE: ChartEnv = { accountsInUse: new Map() };

/** Runs chart commands one after the other, as the command handler would. */
export const changeChart = (chart: Chart, commands: ChartCommand[]): Chart =>
  commands.reduce((current, command) => decideChart(command, current, NOTHING_IN_USE).reduce(evolveChart, current), chart);

/** The Orne's (61) numbering: the rules' accounts have 8-digit codes, given their roles when added. */
export const RENUMBERED_ACCOUNTS: ChartCommand[] = [
  { type: 'AddAccount', account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge', role: 'membership' },
  { type: 'AddAccount', account: '61681008', label: 'Assurances', kind: 'charge', role: 'insurance' },
  { type: 'AddAccount', account: '74100008', label: 'Subventions des collectivités territoriales', kind: 'product', role: 'subsidies' },
  { type: 'AddAccount', account: '68000008', label: 'Achats de biens durables', kind: 'charge', role: 'durableGoods' },
];

/** The renumbered accounts in force and the default ones they replace retired. */
export const renumberedChart = (department = '61', year = 2024): Chart =>
  changeChart(defaultChart(department, year), [
    ...RENUMBERED_ACCOUNTS,
    ...['6586', '6168', '7410', '6800'].map((account): ChartCommand => ({ type: 'RetireAccount', account })),
  ]);
