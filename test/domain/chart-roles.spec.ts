import { accountWithRole, defaultChart } from '../../src/domain/chart';
import { decideChart, evolveChart } from '../../src/domain/chart-changes';
import { closingChecklist, closingFactsOf, type LedgerEnv, yearWarnings } from '../../src/domain/ledger';
import { DeciderSpecification } from './decider-specification';
import { changeChart, NOTHING_IN_USE, renumberedChart } from './chart-fixtures';
import { CLOSING_DAY, env, expense, fold, input, ledgerSpec, opened, receipt, reconciled, run, statement } from './ledger-fixtures';

const chartSpec = DeciderSpecification.for({ decide: decideChart, evolve: evolveChart, initialState: () => defaultChart('61', 2024) }, NOTHING_IN_USE);
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('account roles in a department chart', () => {
  it('the default chart gives the rules 7410, 6586, 6168 and 6800', () => {
    const chart = defaultChart('14', 2024);
    expect(['subsidies', 'membership', 'insurance', 'durableGoods'].map((role) => accountWithRole(chart, role as never)?.code)).toEqual([
      '7410',
      '6586',
      '6168',
      '6800',
    ]);
  });

  it('an account added with a role carries it in its event; without one, none', () => {
    chartSpec
      .given([])
      .when({ type: 'AddAccount', account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge', role: 'membership' })
      .then([{ type: 'AccountAdded', data: { account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge', role: 'membership' } }]);
    chartSpec
      .given([])
      .when({ type: 'AddAccount', account: '6188', label: 'Divers', kind: 'charge' })
      .thenEvents((events) => expect(events[0].data).not.toHaveProperty('role'));
  });

  it('ROLE_INVALID for an unknown role, or a role on an account of the wrong nature', () => {
    const unknown = chartSpec
      .given([])
      .when({ type: 'AddAccount', account: '6188', label: 'Divers', kind: 'charge', role: 'treasurer' as never })
      .thenThrows('ROLE_INVALID');
    expect(unknown.errors!.map((e) => e.field)).toEqual(['role']);
    const nature = chartSpec
      .given([])
      .when({ type: 'AddAccount', account: '74100008', label: 'Subventions', kind: 'charge', role: 'subsidies' })
      .thenThrows('ROLE_INVALID');
    expect(nature.errors![0].message).toBe('Le compte de subventions des collectivités doit être un produit.');
  });

  it('a role moves to the new account: one account at a time holds it', () => {
    const chart = changeChart(defaultChart('61', 2024), [
      { type: 'AddAccount', account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge', role: 'membership' },
    ]);
    expect(accountWithRole(chart, 'membership')!.code).toBe('62810008');
    expect(chart.accounts.filter((a) => a.role === 'membership').map((a) => a.code)).toEqual(['62810008']);
    // The old account stays usable, as a plain charge.
    expect(chart.accounts.find((a) => a.code === '6586')).toEqual({ code: '6586', label: "Cotisations à l'OCCE", kind: 'charge' });
  });

  it('retiring an account drops its role; adding it back gives it only the role it is added with', () => {
    const retired = changeChart(defaultChart('61', 2024), [{ type: 'RetireAccount', account: '6800' }]);
    expect(accountWithRole(retired, 'durableGoods')).toBeUndefined();
    expect(retired.accounts.find((a) => a.code === '6800')!.role).toBeUndefined();
    const back = changeChart(retired, [{ type: 'AddAccount', account: '6800', label: 'Biens durables', kind: 'charge', role: 'durableGoods' }]);
    expect(accountWithRole(back, 'durableGoods')!.code).toBe('6800');
  });
});

describe('the ledger rules read the chart’s accounts, not fixed codes', () => {
  const chart = renumberedChart();
  const orne: Partial<LedgerEnv> = { department: '61', chart };
  const envOrne: LedgerEnv = { ...env, ...orne };

  it('COTISATION_ASSURANCE on the renumbered membership without the renumbered insurance, not when both are paid', () => {
    const membership = run(
      [
        {
          type: 'RecordEntry',
          entryId: 'e1',
          entry: input('01', '2024-09-20', 'OCCE 61 – Cotisation', [
            { account: '62810008', debit: 21200 },
            { account: '512', credit: 21200 },
          ]),
        },
      ],
      orne,
    );
    expect(yearWarnings(membership.state, envOrne)).toEqual([
      { code: 'COTISATION_ASSURANCE', message: "La cotisation a été payée à l'OCCE (212,00). Est-il normal que l'assurance soit à 0 ?", fix: 'saisie' },
    ]);
    const both = run(
      [
        {
          type: 'RecordEntry',
          entryId: 'e2',
          entry: input('02', '2024-09-20', 'OCCE 61 – Assurance', [
            { account: '61681008', debit: 2100 },
            { account: '512', credit: 2100 },
          ]),
        },
      ],
      orne,
      membership.events,
    );
    expect(codes(yearWarnings(both.state, envOrne))).not.toContain('COTISATION_ASSURANCE');
  });

  it('the default codes carry no rule once their roles have moved', () => {
    const moved = changeChart(defaultChart('61', 2024), [
      { type: 'AddAccount', account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge', role: 'membership' },
      { type: 'AddAccount', account: '61681008', label: 'Assurances', kind: 'charge', role: 'insurance' },
    ]);
    const state = fold([expense('e1', '01', 21200, '6586')]);
    expect(codes(yearWarnings(state, { ...envOrne, chart: moved }))).not.toContain('COTISATION_ASSURANCE');
    expect(codes(yearWarnings(state, { ...envOrne, chart: defaultChart('61', 2024) }))).toContain('COTISATION_ASSURANCE');
  });

  it('the renumbered subsidies account is compared with the subsidies table: closing blocked, then congratulated', () => {
    const subsidy = [opened, receipt('e1', '01', 50000, '74100008'), reconciled('e1'), statement('2025-08-31', 50000)];
    const refused = ledgerSpec
      .given(subsidy)
      .when({ type: 'CloseYear' }, { ...orne, today: CLOSING_DAY })
      .thenThrows('CLOSING_BLOCKED');
    expect(codes(refused.details!.blockers as { code: string }[])).toEqual(['SUBSIDIES_UNJUSTIFIED']);

    const { state } = run(
      [{ type: 'DeclareSubsidies', rows: [{ origin: 'Mairie', amount: 50000, date: '2024-10-01', designation: 'Projets', attachedToExpenses: 0 }] }],
      orne,
      subsidy,
    );
    const checklist = closingChecklist(closingFactsOf(state, envOrne), CLOSING_DAY, 2024);
    expect(checklist.blockers).toEqual([]);
    expect(codes(checklist.notes)).toEqual(['SUBSIDIES_JUSTIFIED']);
    ledgerSpec
      .given([
        ...subsidy,
        { type: 'SubsidiesDeclared', data: { rows: [{ origin: 'Mairie', amount: 50000, date: '2024-10-01', designation: 'Projets', attachedToExpenses: 0 }] } },
      ])
      .when({ type: 'CloseYear' }, { ...orne, today: CLOSING_DAY })
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['YearClosed', 'EntriesValidated']));
  });

  it('INVENTORY_MISSING on the renumbered durable goods account, naming it', () => {
    const camera = run(
      [
        {
          type: 'RecordEntry',
          entryId: 'e1',
          entry: input('045', '2024-10-02', 'Appareil photo', [
            { account: '68000008', debit: 15000 },
            { account: '512', credit: 15000 },
          ]),
        },
      ],
      orne,
    );
    expect(yearWarnings(camera.state, envOrne)).toEqual([
      {
        code: 'INVENTORY_MISSING',
        message: "Un achat de biens durables (compte 68000008) n'est pas inscrit au cahier d'inventaire : la pièce 045.",
        fix: 'inventaire',
      },
    ]);
    const item = run(
      [{ type: 'AddInventoryItem', itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2024-10-02', quantity: 1, value: 15000, pj: '045' }],
      orne,
      camera.events,
    );
    expect(yearWarnings(item.state, envOrne)).toEqual([]);
  });
});
