import { type AccountRole, type Chart, accountWithRole, activeAccount, CASH } from '../chart';

/**
 * Words of a bank's label that say which account the other side of the line is, by the line's
 * direction (a credit is money in). Whole words of the label, accents and case aside; the first
 * rule whose account the chart has (active) wins.
 */
interface Rule {
  words: readonly string[];
  /** A role's account (the department may give it to another code), else this code. */
  role?: AccountRole;
  code?: string;
}

const CREDIT_RULES: readonly Rule[] = [
  {
    words: [
      'MAIRIE',
      'COMMUNE',
      'VILLE',
      'SUBVENTION',
      'SUBV',
      'DEPARTEMENT',
      'DEPARTEMENTAL',
      'REGION',
      'REGIONAL',
      'SIVOS',
      'SIVU',
      'COLLECTIVITE',
      'TRESOR',
      'DGFIP',
    ],
    role: 'subsidies',
    code: '7410',
  },
  { words: ['APE', 'ASSOCIATION', 'AMICALE', 'FOYER', 'SOU'], code: '7460' },
  { words: ['DON', 'DONS'], code: '7580' },
  { words: ['INTERET', 'INTERETS', 'REMUNERATION', 'LIVRET'], code: '7610' },
  { words: ['ESPECES'], code: CASH },
  { words: ['FAMILLE', 'FAMILLES', 'PARTICIPATION', 'PARENTS'], code: '7560' },
];

const DEBIT_RULES: readonly Rule[] = [
  // Before the bank's fees: "COTISATION OCCE" is the OCCE's, "COTISATION CARTE" the bank's.
  { words: ['OCCE'], role: 'membership', code: '6586' },
  { words: ['FRAIS', 'COMMISSION', 'COMMISSIONS', 'AGIOS', 'COTISATION', 'COTIS', 'TENUE', 'FORFAIT', 'ABONNEMENT'], code: '6270' },
  { words: ['ASSURANCE', 'MAE'], role: 'insurance', code: '6168' },
  { words: ['RETRAIT', 'DAB'], code: CASH },
];

const wordsOf = (label: string): Set<string> =>
  new Set(
    label
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter(Boolean),
  );

/**
 * The account "Créer l'écriture" proposes for a statement line: from the words of its label and
 * the sign of its amount (a Mairie's transfer is a subsidy, 7410; bank charges 6270; interest
 * 7610); null when nothing in the label says it, so that the user chooses rather than accepts a
 * wrong guess.
 */
export function suggestAccount(line: { label: string; amount: number }, chart: Chart): string | null {
  const words = wordsOf(line.label);
  for (const rule of line.amount >= 0 ? CREDIT_RULES : DEBIT_RULES) {
    if (!rule.words.some((word) => words.has(word))) continue;
    const account = (rule.role ? accountWithRole(chart, rule.role) : undefined) ?? (rule.code ? activeAccount(chart, rule.code) : undefined);
    if (account) return account.code;
  }
  return null;
}
