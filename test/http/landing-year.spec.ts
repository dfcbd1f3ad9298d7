import { type YearStatus } from '../../src/domain/ledger';
import { landingYear } from '../../src/http/pages/year-page';

const year = (y: number, status: YearStatus) => ({ year: y, status });

describe('the year a mandataire lands on', () => {
  it('is the oldest year still open before the current one: it needs its opening or its closing', () => {
    expect(landingYear([year(2026, 'open'), year(2025, 'open')], 2026)).toBe(2025);
    expect(landingYear([year(2026, 'open'), year(2025, 'unlocked'), year(2024, 'closed')], 2026)).toBe(2025);
  });

  it('is the current year once every year before it is closed', () => {
    expect(landingYear([year(2026, 'open'), year(2025, 'closed'), year(2024, 'closed')], 2026)).toBe(2026);
    expect(landingYear([year(2026, 'open')], 2026)).toBe(2026);
  });
});
