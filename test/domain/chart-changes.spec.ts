import { activeAccount, defaultChart } from '../../src/domain/chart';
import { chartOf, decideChart } from '../../src/domain/chart-changes';
import { type ChartEvent } from '../../src/events/coop-events';

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
    expect(decideChart({ type: 'AddAccount', account: '65860008', label: "Cotisation à l'OCCE 14", kind: 'charge' }, chart)).toEqual([
      { type: 'AccountAdded', data: { account: '65860008', label: "Cotisation à l'OCCE 14", kind: 'charge' } },
    ]);
  });

  it('refuses an existing code (ACCOUNT_EXISTS), a malformed one (ACCOUNT_CODE_INVALID), an empty label (LABEL_REQUIRED)', () => {
    expect(thrown(() => decideChart({ type: 'AddAccount', account: '7070', label: 'Ventes', kind: 'product' }, chart)).code).toBe('ACCOUNT_EXISTS');
    const error = thrown(() => decideChart({ type: 'AddAccount', account: '70A', label: ' ', kind: 'product' }, chart));
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['ACCOUNT_CODE_INVALID', 'account'],
      ['LABEL_REQUIRED', 'label'],
    ]);
    expect(thrown(() => decideChart({ type: 'AddAccount', account: '7090', label: 'x', kind: 'other' as never }, chart)).code).toBe('ACCOUNT_KIND_INVALID');
  });

  it('renames an account; the same label changes nothing', () => {
    expect(decideChart({ type: 'RenameAccount', account: '6586', label: "Cotisation à l'OCCE 14" }, chart)).toEqual([
      { type: 'AccountRenamed', data: { account: '6586', label: "Cotisation à l'OCCE 14" } },
    ]);
    expect(decideChart({ type: 'RenameAccount', account: '6586', label: "Cotisations à l'OCCE" }, chart)).toEqual([]);
    expect(thrown(() => decideChart({ type: 'RenameAccount', account: '9999', label: 'x' }, chart)).code).toBe('UNKNOWN_ACCOUNT');
    expect(thrown(() => decideChart({ type: 'RenameAccount', account: '6586', label: '' }, chart)).code).toBe('LABEL_REQUIRED');
  });

  it('retires an account, not twice, and never the bank, cash or advance accounts', () => {
    expect(decideChart({ type: 'RetireAccount', account: '6070' }, chart)).toEqual([{ type: 'AccountRetired', data: { account: '6070' } }]);
    const retired = chartOf('14', 2024, [{ type: 'AccountRetired', data: { account: '6070' } }]);
    expect(thrown(() => decideChart({ type: 'RetireAccount', account: '6070' }, retired)).code).toBe('UNKNOWN_ACCOUNT');
    expect(thrown(() => decideChart({ type: 'RetireAccount', account: '512' }, chart)).code).toBe('ACCOUNT_PROTECTED');
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

    const back = chartOf('61', 2024, [...events, ...decideChart({ type: 'AddAccount', account: '6586', label: 'Cotisations', kind: 'charge' }, folded)]);
    expect(activeAccount(back, '6586')!.label).toBe('Cotisations');
  });
});
