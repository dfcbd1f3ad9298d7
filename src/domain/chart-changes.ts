import { type AccountAdded, type AccountKind, type AccountRole, type ChartEvent } from '../events/coop-events';
import { ADVANCES, BANK, CASH, type Account, type Chart, defaultChart, findAccount } from './chart';
import { DomainError, ValidationFailed } from './errors';

/**
 * A department's changes to its chart of accounts for one fiscal year (stream
 * chart-<dept>-<year>), folded over the default chart.
 */
export type ChartCommand =
  | { type: 'AddAccount'; account: string; label: string; kind: AccountKind; role?: AccountRole }
  | { type: 'RenameAccount'; account: string; label: string }
  | { type: 'RetireAccount'; account: string };

const ACCOUNT_CODE = /^\d{3,10}$/;
const KINDS: readonly AccountKind[] = ['treasury', 'advance', 'charge', 'product'];
/** Each role's account is a charge, but the subsidies one, a product (the rules read their nets so). */
const ROLE_KINDS: Record<AccountRole, AccountKind> = { subsidies: 'product', membership: 'charge', insurance: 'charge', durableGoods: 'charge' };
const ROLE_NAMES: Record<AccountRole, string> = {
  subsidies: 'subventions des collectivités',
  membership: "cotisation à l'OCCE",
  insurance: 'assurance',
  durableGoods: 'biens durables',
};
const isRole = (role: unknown): role is AccountRole => typeof role === 'string' && Object.prototype.hasOwnProperty.call(ROLE_KINDS, role);
/** The ledger's rules stand on these (bank reconciliation, cash count, advances). */
const PROTECTED_ACCOUNTS = [BANK, CASH, ADVANCES];

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** What a chart change needs besides the chart itself. */
export interface ChartEnv {
  /** Account → the coops whose live entries of the chart's year use it (a read model's answer). */
  accountsInUse: ReadonlyMap<string, readonly string[]>;
  /** The coops of the department that have closed the chart's year (once closed, even if reopened since). */
  closedBy?: readonly string[];
}

/** Coops named in a refusal: a few ids, then how many more. */
const COOPS_NAMED = 5;
const coopsText = (coops: readonly string[]): string => {
  if (coops.length === 1) return `de la coopérative ${coops[0]}`;
  const named = coops.slice(0, COOPS_NAMED).join(', ');
  return `de ${coops.length} coopératives (${named}${coops.length > COOPS_NAMED ? ', …' : ''})`;
};

/**
 * Once a coop of the department has closed the year, its chart is frozen (DOMAIN.md, "Validated
 * books"): its validated entries and definitive files read these labels and roles. Only a new
 * account without a role may still be added.
 */
export function chartYearClosed(chart: Chart, closedBy: readonly string[]): DomainError {
  return new DomainError(
    'CHART_YEAR_CLOSED',
    `${closedBy.length === 1 ? `La coopérative ${closedBy[0]} a` : `${closedBy.length} coopératives (${closedBy.slice(0, COOPS_NAMED).join(', ')}${closedBy.length > COOPS_NAMED ? ', …' : ''}) ont`} clôturé l'exercice ${chart.year}-${chart.year + 1} : son plan comptable ne peut plus renommer, retirer ni changer le rôle d'un compte (ses écritures validées et ses fichiers définitifs en dépendent). Seul l'ajout d'un compte sans rôle reste possible.`,
    'account',
    'conflict',
    { coops: [...closedBy] },
  );
}

export function decideChart(command: ChartCommand, chart: Chart, env: ChartEnv): ChartEvent[] {
  const account = text(command.account);
  const existing = findAccount(chart, account);
  const closedBy = env.closedBy ?? [];
  const freezes = command.type !== 'AddAccount' || command.role !== undefined || (existing !== undefined && existing !== null);
  if (closedBy.length > 0 && freezes) throw chartYearClosed(chart, closedBy);
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
      const role = command.role;
      if (role !== undefined && !isRole(role)) {
        errors.push(
          new DomainError(
            'ROLE_INVALID',
            'Choisissez le rôle du compte : subventions des collectivités, cotisation OCCE, assurance, biens durables, ou aucun.',
            'role',
          ),
        );
      } else if (role !== undefined && KINDS.includes(command.kind) && command.kind !== ROLE_KINDS[role]) {
        const nature = ROLE_KINDS[role] === 'product' ? 'un produit' : 'une charge';
        errors.push(new DomainError('ROLE_INVALID', `Le compte de ${ROLE_NAMES[role]} doit être ${nature}.`, 'role'));
      }
      if (errors.length) throw new ValidationFailed(errors);
      // Adding a retired code again brings it back (a retirement made by mistake can be undone).
      const data: AccountAdded = role === undefined ? { account, label, kind: command.kind } : { account, label, kind: command.kind, role };
      return [{ type: 'AccountAdded', data }];
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
        throw new DomainError(
          'ACCOUNT_PROTECTED',
          `Le compte ${account} (${existing.label}) est indispensable au cahier : il ne peut pas être retiré.`,
          'account',
          'conflict',
        );
      }
      // Retiring an account the year's entries stand on would leave them on a code no one can choose again.
      const coops = env.accountsInUse.get(account) ?? [];
      if (coops.length > 0) {
        throw new DomainError(
          'ACCOUNT_IN_USE',
          `Le compte ${account} (${existing.label}) sert à des écritures de l'exercice ${chart.year}-${chart.year + 1} ${coopsText(coops)} : il ne peut pas être retiré tant qu'elles l'utilisent.`,
          'account',
          'conflict',
          { coops: [...coops] },
        );
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
      const { account, label, kind, role } = event.data;
      // A role belongs to one account at a time: the new account takes it from the one holding it.
      const others = chart.accounts.filter((a) => a.code !== account).map((a) => (role !== undefined && a.role === role ? withoutRole(a) : a));
      const added: Account = role === undefined ? { code: account, label, kind } : { code: account, label, kind, role };
      return { ...chart, accounts: [...others, added] };
    }
    case 'AccountRenamed':
      return { ...chart, accounts: chart.accounts.map((a) => (a.code === event.data.account ? { ...a, label: event.data.label } : a)) };
    case 'AccountRetired':
      // A retired account no longer answers for its role: the rule is left without an account until another takes it.
      return { ...chart, accounts: chart.accounts.map((a) => (a.code === event.data.account ? { ...withoutRole(a), retired: true } : a)) };
  }
}

const withoutRole = ({ role: _role, ...account }: Account): Account => account;

/** The chart a department uses for a year: the default chart with that year's changes. */
export const chartOf = (department: string, year: number, events: readonly ChartEvent[]): Chart => events.reduce(evolveChart, defaultChart(department, year));
