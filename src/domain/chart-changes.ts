import { AccountKind, ChartEvent } from '../events/coop-events';
import { ADVANCES, BANK, CASH, Chart, defaultChart, findAccount } from './chart';
import { DomainError, ValidationFailed } from './errors';

/**
 * A department's changes to its chart of accounts for one fiscal year (stream
 * chart-<dept>-<year>), folded over the default chart.
 */
export type ChartCommand =
  | { type: 'AddAccount'; account: string; label: string; kind: AccountKind }
  | { type: 'RenameAccount'; account: string; label: string }
  | { type: 'RetireAccount'; account: string };

const ACCOUNT_CODE = /^\d{3,10}$/;
const KINDS: readonly AccountKind[] = ['treasury', 'advance', 'charge', 'product'];
/** The ledger's rules stand on these (bank reconciliation, cash count, advances). */
const PROTECTED_ACCOUNTS = [BANK, CASH, ADVANCES];

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export function decideChart(command: ChartCommand, chart: Chart): ChartEvent[] {
  const account = text(command.account);
  const existing = findAccount(chart, account);
  switch (command.type) {
    case 'AddAccount': {
      const errors: DomainError[] = [];
      const label = text(command.label);
      if (!ACCOUNT_CODE.test(account)) {
        errors.push(new DomainError('ACCOUNT_CODE_INVALID', 'Le numéro de compte doit comporter de 3 à 10 chiffres.', 'account'));
      } else if (existing && !existing.retired) {
        errors.push(new DomainError('ACCOUNT_EXISTS', `Le compte ${account} existe déjà (${existing.label}).`, 'account'));
      }
      if (!label) errors.push(new DomainError('LABEL_REQUIRED', 'Le libellé du compte est obligatoire.', 'label'));
      if (!KINDS.includes(command.kind)) {
        errors.push(new DomainError('ACCOUNT_KIND_INVALID', 'Choisissez la nature du compte : trésorerie, régie, charge ou produit.', 'kind'));
      }
      if (errors.length) throw new ValidationFailed(errors);
      // Adding a retired code again brings it back (a retirement made by mistake can be undone).
      return [{ type: 'AccountAdded', data: { account, label, kind: command.kind } }];
    }
    case 'RenameAccount': {
      const label = text(command.label);
      const errors: DomainError[] = [];
      if (!existing || existing.retired) errors.push(unknownAccount(account));
      if (!label) errors.push(new DomainError('LABEL_REQUIRED', 'Le libellé du compte est obligatoire.', 'label'));
      if (errors.length) throw new ValidationFailed(errors);
      if (existing!.label === label) return [];
      return [{ type: 'AccountRenamed', data: { account, label } }];
    }
    case 'RetireAccount': {
      if (!existing || existing.retired) throw new ValidationFailed([unknownAccount(account)]);
      if (PROTECTED_ACCOUNTS.includes(account)) {
        throw new DomainError('ACCOUNT_PROTECTED', `Le compte ${account} (${existing.label}) est indispensable au cahier : il ne peut pas être retiré.`, 'account', 'conflict');
      }
      return [{ type: 'AccountRetired', data: { account } }];
    }
  }
}

const unknownAccount = (account: string): DomainError =>
  new DomainError('UNKNOWN_ACCOUNT', `Le compte « ${account} » n'existe pas dans le plan comptable.`, 'account');

export function evolveChart(chart: Chart, event: ChartEvent): Chart {
  switch (event.type) {
    case 'AccountAdded': {
      const { account, label, kind } = event.data;
      const others = chart.accounts.filter((a) => a.code !== account);
      return { ...chart, accounts: [...others, { code: account, label, kind }] };
    }
    case 'AccountRenamed':
      return { ...chart, accounts: chart.accounts.map((a) => (a.code === event.data.account ? { ...a, label: event.data.label } : a)) };
    case 'AccountRetired':
      return { ...chart, accounts: chart.accounts.map((a) => (a.code === event.data.account ? { ...a, retired: true } : a)) };
  }
}

/** The chart a department uses for a year: the default chart with that year's changes. */
export const chartOf = (department: string, year: number, events: readonly ChartEvent[]): Chart =>
  events.reduce(evolveChart, defaultChart(department, year));
