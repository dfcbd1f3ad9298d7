import { BILLS, COINS, DENOMINATIONS, cashDifference, cashTotal, validateCashCounts } from '../../src/domain/cash-box';

describe('cash box', () => {
  it('knows the euro coins and bills, in cents', () => {
    expect(COINS).toEqual([1, 2, 5, 10, 20, 50, 100, 200]);
    expect(BILLS).toEqual([500, 1000, 2000, 5000, 10000, 20000, 50000]);
    expect(DENOMINATIONS).toHaveLength(15);
  });

  it('normalizes a count: every denomination present, blanks as 0', () => {
    const { counts, errors } = validateCashCounts({ '2000': 3, '1': 7, '50': null, '10': '' });
    expect(errors).toEqual([]);
    expect(Object.keys(counts)).toEqual(DENOMINATIONS.map(String));
    expect(counts['2000']).toBe(3);
    expect(counts['50']).toBe(0);
    expect(cashTotal(counts)).toBe(6007);
  });

  it('refuses unknown denominations, negative or fractional counts, and nonsense', () => {
    const { errors } = validateCashCounts({ '300': 1, '100': -1, '200': 1.5, '500': '2' });
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['CASH_COUNT_INVALID', 'counts.100'],
      ['CASH_COUNT_INVALID', 'counts.200'],
      ['CASH_COUNT_INVALID', 'counts.300'],
      ['CASH_COUNT_INVALID', 'counts.500'],
    ]);
    expect(validateCashCounts([1, 2]).errors.map((e) => e.field)).toEqual(['counts']);
    expect(validateCashCounts({ '50000': Number.MAX_SAFE_INTEGER }).errors.map((e) => e.field)).toEqual(['counts']);
  });

  it('measures the difference as counted minus booked', () => {
    expect(cashDifference(4850, 5000)).toBe(-150);
  });
});
