import { defaultChart } from '../../../src/domain/chart';
import { suggestAccount } from '../../../src/domain/statements';

/** Issue #29 point 5: "Créer l'écriture" proposes the account from the line's label and the amount's sign, never 7610 on every credit. */
describe('the account proposed for a statement line', () => {
  const chart = defaultChart('14', 2026);

  it.each([
    ['VIR SEPA MAIRIE DE CAEN SUBVENTION', 45000, '7410'],
    ['VIREMENT Subvention coopérative', 20000, '7410'],
    ['VIR APE ECOLE JULES FERRY', 30000, '7460'],
    ['INTERETS CREDITEURS 2026', 125, '7610'],
    ['VERSEMENT ESPECES', 8000, '530'],
    ['FRAIS TENUE DE COMPTE', -1200, '6270'],
    ['COTISATION CARTE BANCAIRE', -3500, '6270'],
    ['PRLV COTISATION OCCE 14', -18000, '6586'],
    ['RETRAIT DAB CAEN', -5000, '530'],
  ])('« %s » of %i cents → %s', (label, amount, account) => {
    expect(suggestAccount({ label, amount }, chart)).toBe(account);
  });

  it('the sign decides: « MAIRIE » on a debit is no subsidy, interest on a debit no product', () => {
    expect(suggestAccount({ label: 'PRLV MAIRIE CANTINE', amount: -4000 }, chart)).toBeNull();
    expect(suggestAccount({ label: 'INTERETS DEBITEURS', amount: -300 }, chart)).toBeNull();
  });

  it('a label that says nothing proposes nothing (the user chooses), not a product by default', () => {
    expect(suggestAccount({ label: 'VIR M DUPONT', amount: 2500 }, chart)).toBeNull();
    expect(suggestAccount({ label: 'CB LIBRAIRIE DU PORT', amount: -2500 }, chart)).toBeNull();
  });

  it("the department's own account for a role: subsidies moved to 7411, a retired account never proposed", () => {
    const moved = {
      ...chart,
      accounts: [
        ...chart.accounts.map((a) => (a.code === '7410' ? { ...a, role: undefined } : a.code === '6270' ? { ...a, retired: true } : a)),
        { code: '7411', label: 'Subventions de la commune', kind: 'product' as const, role: 'subsidies' as const },
      ],
    };
    expect(suggestAccount({ label: 'VIR MAIRIE', amount: 100 }, moved)).toBe('7411');
    expect(suggestAccount({ label: 'FRAIS', amount: -100 }, moved)).toBeNull();
  });
});
