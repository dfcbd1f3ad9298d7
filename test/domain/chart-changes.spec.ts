import { activeAccount, defaultChart } from '../../src/domain/chart';
import { chartOf, decideChart, evolveChart } from '../../src/domain/chart-changes';
import { type ChartEvent } from '../../src/events/coop-events';
import { NOTHING_IN_USE } from './chart-fixtures';
import { DeciderSpecification } from './decider-specification';

const chart = defaultChart('14', 2024);
const thrown = (fn: () => unknown): { code: string; errors?: { code: string; field?: string }[] } => {
  try {
    fn();
  } catch (error) {
    return error as { code: string };
  }
  throw new Error('expected a refusal');
};

describe('chart changes of a department for a year', () => {
  it('adds an account', () => {
    expect(decideChart({ type: 'AddAccount', account: '65860008', label: "Cotisation à l'OCCE 14", kind: 'charge' }, chart, NOTHING_IN_USE)).toEqual([
      { type: 'AccountAdded', data: { account: '65860008', label: "Cotisation à l'OCCE 14", kind: 'charge' } },
    ]);
  });

  it('refuses an existing code (ACCOUNT_EXISTS), a malformed one (ACCOUNT_CODE_INVALID), an empty label (LABEL_REQUIRED)', () => {
    expect(thrown(() => decideChart({ type: 'AddAccount', account: '7070', label: 'Ventes', kind: 'product' }, chart, NOTHING_IN_USE)).code).toBe(
      'ACCOUNT_EXISTS',
    );
    const error = thrown(() => decideChart({ type: 'AddAccount', account: '70A', label: ' ', kind: 'product' }, chart, NOTHING_IN_USE));
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['ACCOUNT_CODE_INVALID', 'account'],
      ['LABEL_REQUIRED', 'label'],
    ]);
    expect(thrown(() => decideChart({ type: 'AddAccount', account: '7090', label: 'x', kind: 'other' as never }, chart, NOTHING_IN_USE)).code).toBe(
      'ACCOUNT_KIND_INVALID',
    );
  });

  it('renames an account; the same label changes nothing', () => {
    expect(decideChart({ type: 'RenameAccount', account: '6586', label: "Cotisation à l'OCCE 14" }, chart, NOTHING_IN_USE)).toEqual([
      { type: 'AccountRenamed', data: { account: '6586', label: "Cotisation à l'OCCE 14" } },
    ]);
    expect(decideChart({ type: 'RenameAccount', account: '6586', label: "Cotisations à l'OCCE" }, chart, NOTHING_IN_USE)).toEqual([]);
    expect(thrown(() => decideChart({ type: 'RenameAccount', account: '9999', label: 'x' }, chart, NOTHING_IN_USE)).code).toBe('UNKNOWN_ACCOUNT');
    expect(thrown(() => decideChart({ type: 'RenameAccount', account: '6586', label: '' }, chart, NOTHING_IN_USE)).code).toBe('LABEL_REQUIRED');
  });

  it('retires an account, not twice, and never the bank, cash or advance accounts', () => {
    expect(decideChart({ type: 'RetireAccount', account: '6070' }, chart, NOTHING_IN_USE)).toEqual([{ type: 'AccountRetired', data: { account: '6070' } }]);
    const retired = chartOf('14', 2024, [{ type: 'AccountRetired', data: { account: '6070' } }]);
    expect(thrown(() => decideChart({ type: 'RetireAccount', account: '6070' }, retired, NOTHING_IN_USE)).code).toBe('UNKNOWN_ACCOUNT');
    expect(thrown(() => decideChart({ type: 'RetireAccount', account: '512' }, chart, NOTHING_IN_USE)).code).toBe('ACCOUNT_PROTECTED');
  });

  it('folds the changes over the default chart; a retired account can be added back', () => {
    const events: ChartEvent[] = [
      { type: 'AccountAdded', data: { account: '62810008', label: "Cotisation à l'OCCE", kind: 'charge' } },
      { type: 'AccountRenamed', data: { account: '6168', label: 'Assurances MAE' } },
      { type: 'AccountRetired', data: { account: '6586' } },
    ];
    const folded = chartOf('61', 2024, events);
    expect(folded.department).toBe('61');
    expect(activeAccount(folded, '62810008')).toEqual({ code: '62810008', label: "Cotisation à l'OCCE", kind: 'charge' });
    expect(activeAccount(folded, '6168')!.label).toBe('Assurances MAE');
    expect(activeAccount(folded, '6586')).toBeUndefined();
    expect(folded.accounts.find((a) => a.code === '6586')!.retired).toBe(true);
    // The default chart itself is untouched.
    expect(activeAccount(defaultChart('61', 2024), '6586')).toBeDefined();

    const back = chartOf('61', 2024, [
      ...events,
      ...decideChart({ type: 'AddAccount', account: '6586', label: 'Cotisations', kind: 'charge' }, folded, NOTHING_IN_USE),
    ]);
    expect(activeAccount(back, '6586')!.label).toBe('Cotisations');
  });

  describe('retiring an account the year uses', () => {
    const spec = DeciderSpecification.for({ decide: decideChart, evolve: evolveChart, initialState: () => defaultChart('14', 2025) }, NOTHING_IN_USE);
    const inUse = (uses: Record<string, string[]>) => ({ accountsInUse: new Map(Object.entries(uses)) });

    it('is refused while an entry of any coop of the year has a line on it (409 ACCOUNT_IN_USE, the coops named)', () => {
      const error = spec
        .given([])
        .when({ type: 'RetireAccount', account: '6181' }, inUse({ '6181': ['C14001', 'C14003'], '7070': ['C14002'] }))
        .thenThrows('ACCOUNT_IN_USE');
      expect(error.kind).toBe('conflict');
      expect(error.field).toBe('account');
      expect(error.message).toBe(
        "Le compte 6181 (Activités éducatives) sert à des écritures de l'exercice 2025-2026 de 2 coopératives (C14001, C14003) : il ne peut pas être retiré tant qu'elles l'utilisent.",
      );
      expect(error.details).toEqual({ coops: ['C14001', 'C14003'] });
    });

    it('names one coop alone, and a few of many', () => {
      expect(
        spec
          .given([])
          .when({ type: 'RetireAccount', account: '6181' }, inUse({ '6181': ['C14001'] }))
          .thenThrows('ACCOUNT_IN_USE').message,
      ).toContain('de la coopérative C14001 :');
      const many = ['C14001', 'C14002', 'C14003', 'C14004', 'C14005', 'C14006', 'C14007'];
      expect(
        spec
          .given([])
          .when({ type: 'RetireAccount', account: '6181' }, inUse({ '6181': many }))
          .thenThrows('ACCOUNT_IN_USE').message,
      ).toContain('de 7 coopératives (C14001, C14002, C14003, C14004, C14005, …) :');
    });

    it('goes through when no entry of the year uses it (other accounts used do not count)', () => {
      spec
        .given([{ type: 'AccountRenamed', data: { account: '6181', label: 'Sorties' } }])
        .when({ type: 'RetireAccount', account: '6181' }, inUse({ '7070': ['C14002'] }))
        .then([{ type: 'AccountRetired', data: { account: '6181' } }]);
    });

    it('still refuses the bank first: it is never retired, used or not', () => {
      spec
        .given([])
        .when({ type: 'RetireAccount', account: '512' }, inUse({ '512': ['C14001'] }))
        .thenThrows('ACCOUNT_PROTECTED');
    });
  });
});

describe('the chart of a year a coop has closed (CHART_YEAR_CLOSED)', () => {
  const closed = { accountsInUse: new Map(), closedBy: ['C14001'] };
  const refused = (command: Parameters<typeof decideChart>[0]) => thrown(() => decideChart(command, chart, closed)).code;

  it('cannot rename, retire, or give a role to an account: the validated entries and definitive FEC read them', () => {
    expect(refused({ type: 'RenameAccount', account: '6181', label: 'Sorties' })).toBe('CHART_YEAR_CLOSED');
    expect(refused({ type: 'RetireAccount', account: '6270' })).toBe('CHART_YEAR_CLOSED');
    expect(refused({ type: 'AddAccount', account: '6587', label: 'Cotisation', kind: 'charge', role: 'membership' })).toBe('CHART_YEAR_CLOSED');
    const error = thrown(() => decideChart({ type: 'RenameAccount', account: '6181', label: 'Sorties' }, chart, closed)) as unknown as { message: string };
    expect(error.message).toContain("La coopérative C14001 a clôturé l'exercice 2024-2025 : son plan comptable ne peut plus renommer");
  });

  it('still takes a new account without a role', () => {
    expect(decideChart({ type: 'AddAccount', account: '6188', label: 'Sorties scolaires', kind: 'charge' }, chart, closed)).toEqual([
      { type: 'AccountAdded', data: { account: '6188', label: 'Sorties scolaires', kind: 'charge' } },
    ]);
  });
});
