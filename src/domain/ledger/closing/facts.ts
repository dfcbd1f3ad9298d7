import { type EntryContent, type LedgerEvent, type OpenAdvance } from '../../../events/ledger-events';
import { ADVANCES, type AccountRole, BANK, CASH, type Chart, accountWithRole } from '../../chart';
import { lastStatementOn } from '../../statements/reconciliation';
import { type ClosingEnv, type ClosingFacts, type ClosingTally, type LedgerState, type YearOpening } from '../types';
import { net } from '../../net-amount';
import { putAt, valueAt } from '../../text-keys';
import { comparePj, compareText } from '../../pj-order';
import { openingOf, sumAdvances } from '../opening';

const initialTally = (): ClosingTally => ({
  status: 'open',
  declaredOpening: null,
  movements: {},
  advances: {},
  unreconciled: {},
  reconciledOffBank: [],
  debits: {},
  inventoryPjs: {},
  carriedOverSeen: [],
  lastCount: null,
  subsidiesTable: 0,
  statements: [],
  cleared: {},
  bankMonths: {},
});

type TallyContainer =
  'movements' | 'advances' | 'unreconciled' | 'reconciledOffBank' | 'debits' | 'inventoryPjs' | 'carriedOverSeen' | 'statements' | 'cleared' | 'bankMonths';

/** Accounts no role can go to (they cannot be added again nor retired): their debits say nothing of a rule. */
const FIXED = [BANK, CASH, ADVANCES];

/** Accounts an entry debits, other than the fixed ones. */
const debitedBy = (content: EntryContent): string[] => [...new Set(content.lines.filter((l) => l.debit && !FIXED.includes(l.account)).map((l) => l.account))];

const onBank = (content: EntryContent | null): boolean => content !== null && content.lines.some((l) => l.account === BANK);

const without = (list: string[], id: string): boolean => {
  const i = list.indexOf(id);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
};

/** Adds `delta` to a count or sum of a record, leaving zeros out. */
function add(record: Record<string, number>, key: string, delta: number): void {
  const sum = (valueAt(record, key) ?? 0) + delta;
  if (sum === 0) delete record[key];
  else putAt(record, key, sum);
}

/**
 * Folding the year's events into a ClosingTally, pure from the outside: a container of the tally
 * is copied the first time a run of events touches it (once per event for evolve, once per run
 * when a draft applies a run), so a long run of reconciliations costs one copy of the list, not one per
 * event; `inPlace` writes into the given tally for its one holder (the command side's hot state).
 */
export class ClosingTallyDraft {
  readonly tally: ClosingTally;
  private readonly owned = new Set<TallyContainer>();
  /** The accounts whose debits map this draft has copied already. */
  private readonly ownedDebits = new Set<string>();

  constructor(
    tally: ClosingTally,
    private readonly inPlace = false,
  ) {
    this.tally = inPlace ? tally : { ...tally };
  }

  private own<K extends TallyContainer>(key: K): ClosingTally[K] {
    if (!this.inPlace && !this.owned.has(key)) {
      const container = this.tally[key];
      this.tally[key] = (Array.isArray(container) ? [...container] : { ...container }) as ClosingTally[K];
      this.owned.add(key);
    }
    return this.tally[key];
  }

  private debitsOf(account: string): Record<string, string> {
    const debits = this.own('debits');
    if (debits[account] === undefined || (!this.inPlace && !this.ownedDebits.has(account))) {
      debits[account] = { ...debits[account] };
      this.ownedDebits.add(account);
    }
    return debits[account];
  }

  /** What a statement showed on a date moves by `amount`. */
  private clear(date: string, amount: number): void {
    if (amount !== 0) add(this.own('cleared'), date, amount);
  }

  apply(event: LedgerEvent): void {
    const t = this.tally;
    switch (event.type) {
      case 'OpeningBalanceDeclared':
        t.declaredOpening = { bank: event.data.bank, cash: event.data.cash };
        return;
      case 'EntryRecorded': {
        const { entryId, duplicatedFrom: _duplicatedFrom, reverses: _reverses, replaces: _replaces, ...content } = event.data;
        return this.moveContent(entryId, null, content);
      }
      case 'EntryAmended': {
        const { entryId, previous, ...content } = event.data;
        return this.moveContent(entryId, previous, content);
      }
      case 'EntryDeleted':
        return this.moveContent(event.data.entryId, event.data.previous, null);
      case 'EntryReconciled': {
        // The decider reconciles only live entries on 512 that are not.
        const d = event.data;
        const unreconciled = this.own('unreconciled');
        const item = unreconciled[d.entryId];
        delete unreconciled[d.entryId];
        return this.clear(d.clearedOn ?? d.statementDate ?? item?.date ?? '', d.amount ?? item?.amount ?? 0);
      }
      case 'EntryUnreconciled': {
        // The decider unreconciles only reconciled entries: on 512 and not listed, or amended off 512.
        const d = event.data;
        this.clear(d.clearedOn ?? '', -(d.amount ?? 0));
        if (without(this.own('reconciledOffBank'), d.entryId)) return;
        // Its date is not in the event: what it had cleared on stands for it.
        const unreconciled = this.own('unreconciled');
        if (!Object.hasOwn(unreconciled, d.entryId)) unreconciled[d.entryId] = { amount: d.amount ?? 0, date: d.clearedOn ?? '' };
        return;
      }
      case 'CarriedOverItemSeen': {
        const d = event.data;
        const seen = this.own('carriedOverSeen');
        if (!seen.includes(d.entryId)) seen.push(d.entryId);
        return this.clear(d.clearedOn ?? d.statementDate ?? '', d.amount ?? 0);
      }
      case 'CarriedOverItemUnseen':
        without(this.own('carriedOverSeen'), event.data.entryId);
        return this.clear(event.data.clearedOn, -event.data.amount);
      case 'StatementDeclared':
      case 'StatementImported':
        this.own('statements').push({ statementId: event.data.statementId, date: event.data.date, closingBalance: event.data.closingBalance });
        return;
      case 'StatementDeleted': {
        const statements = this.own('statements');
        const at = statements.findIndex((s) => s.statementId === event.data.statementId);
        if (at >= 0) statements.splice(at, 1);
        return;
      }
      case 'CashCounted':
        if (!t.lastCount || event.data.date >= t.lastCount.date) t.lastCount = { date: event.data.date, total: event.data.total };
        return;
      case 'SubsidiesDeclared':
        t.subsidiesTable = event.data.rows.reduce((sum, r) => sum + r.amount, 0);
        return;
      case 'InventoryItemAdded':
        if (event.data.pj !== null && event.data.pj !== undefined) this.own('inventoryPjs')[event.data.itemId] = event.data.pj;
        return;
      case 'YearClosed':
      case 'YearLocked':
        t.status = 'closed';
        return;
      case 'YearUnlocked':
        t.status = 'unlocked';
        return;
      case 'InventoryItemRemoved':
      case 'VoucherAttached':
      case 'ActivityReported':
      case 'EntriesValidated':
      case 'QuitusInvited':
      case 'QuitusGiven':
      case 'SubmissionDocumentAttached':
      case 'SubmissionSent':
      case 'SubmissionAccepted':
      case 'SubmissionReturned':
      case 'OpeningChangeSeen':
      case 'PaymentRecorded':
      case 'PaymentAmended':
      case 'PaymentDeleted':
      case 'PaymentsDeposited':
      case 'DepositCancelled':
        // Nothing the closing rules read (a removed item's PJ still counts; a deposit's entry is an EntryRecorded).
        return;
    }
  }

  /** Moves the kept sums from an entry's old content (if any) to its new one (if any). */
  private moveContent(entryId: string, before: EntryContent | null, after: EntryContent | null): void {
    const movements = this.own('movements');
    const advances = this.own('advances');
    const bankMonths = this.own('bankMonths');
    /** Moves a content's lines by `sign`; returns its signed amount on 512. */
    const move = (content: EntryContent, sign: 1 | -1): number => {
      let bank = 0;
      for (const line of content.lines) {
        const debit = line.debit ?? 0;
        const credit = line.credit ?? 0;
        const m = movements[line.account] ?? { debit: 0, credit: 0 };
        movements[line.account] = { debit: m.debit + sign * debit, credit: m.credit + sign * credit };
        if (line.regie) add(advances, line.regie, sign * net(line));
        if (line.account === BANK) bank += net(line);
      }
      if (onBank(content)) add(bankMonths, content.date.slice(0, 7), sign);
      return bank;
    };
    if (before) move(before, -1);
    const bankAmount = after ? move(after, 1) : 0;

    // The reconciled flag survives an amendment, as in the decider's state.
    const unreconciled = this.own('unreconciled');
    const reconciledOffBank = this.own('reconciledOffBank');
    const wasOffBank = without(reconciledOffBank, entryId);
    const wasUnreconciled = Object.hasOwn(unreconciled, entryId);
    delete unreconciled[entryId];
    const reconciled = wasOffBank || (onBank(before) && !wasUnreconciled);
    if (after && onBank(after) && !reconciled) unreconciled[entryId] = { amount: bankAmount, date: after.date };
    if (after && !onBank(after) && reconciled) reconciledOffBank.push(entryId);

    if (before) {
      for (const account of debitedBy(before)) {
        const debits = this.debitsOf(account);
        delete debits[before.pj];
        if (Object.keys(debits).length === 0) delete this.own('debits')[account];
      }
    }
    if (after) for (const account of debitedBy(after)) putAt(this.debitsOf(account), after.pj, after.date);
  }
}

/** The incremental fold of a year's closing facts: its own events, one at a time. */
export const closingFactsFold = {
  initial: initialTally,
  evolve(tally: ClosingTally, event: LedgerEvent): ClosingTally {
    const draft = new ClosingTallyDraft(tally);
    draft.apply(event);
    return draft.tally;
  },
};

/**
 * The year's ClosingFacts from its tally, its opening (openingOf), whether the previous year is
 * closed (null in the coop's first year) and the chart of the year.
 */
export function closingFactsFrom(year: number, tally: ClosingTally, opening: YearOpening, previousClosed: boolean | null, chart: Chart): ClosingFacts {
  const cash = tally.movements[CASH];
  const seen = new Set(tally.carriedOverSeen);
  const carriedOverAmount = opening.carriedOver.reduce((sum, item) => sum + item.amount, 0);
  const inventoried = new Set(Object.values(tally.inventoryPjs));
  const roleAccount = (role: AccountRole): string | null => accountWithRole(chart, role)?.code ?? null;
  // An account no role is given to: the rules then have nothing to read (a total of 0, no durable goods).
  const netOfRole = (role: AccountRole): number => {
    const account = roleAccount(role);
    return account === null ? 0 : net(valueAt(tally.movements, account));
  };
  const durableGoods = roleAccount('durableGoods');
  const bank = tally.movements[BANK];
  const months = Object.keys(tally.bankMonths);
  const last = lastStatementOn(tally.statements, '9999-12-31');
  let shown = opening.bank - carriedOverAmount;
  if (last) for (const [date, amount] of Object.entries(tally.cleared)) if (date <= last.date) shown += amount;
  return {
    year,
    closed: tally.status === 'closed',
    previousYearClosed: previousClosed === null || previousClosed,
    openingMissing: previousClosed === null && tally.declaredOpening === null,
    unreconciled: opening.carriedOver.filter((item) => !seen.has(item.entryId)).length + Object.keys(tally.unreconciled).length,
    cashUsed: opening.cash !== 0 || (cash !== undefined && (cash.debit !== 0 || cash.credit !== 0)),
    cashBalance: opening.cash + net(valueAt(tally.movements, CASH)),
    lastCountTotal: tally.lastCount ? tally.lastCount.total : null,
    subsidiesAccountTotal: -netOfRole('subsidies'),
    subsidiesTableTotal: tally.subsidiesTable,
    openAdvances: sumAdvances(opening.openAdvances, advancesOfTally(tally)),
    membershipTotal: netOfRole('membership'),
    insuranceTotal: netOfRole('insurance'),
    durableGoodsAccount: durableGoods,
    durableGoodsWithoutInventory: Object.entries((durableGoods !== null && tally.debits[durableGoods]) || {})
      .filter(([pj]) => !inventoried.has(pj))
      .sort(([pjA, dateA], [pjB, dateB]) => compareText(dateA, dateB) || comparePj(pjA, pjB))
      .map(([pj]) => pj),
    bankUsed: opening.bank !== 0 || (bank !== undefined && (bank.debit !== 0 || bank.credit !== 0)),
    lastBankMonth: months.length ? months.reduce((a, b) => (b > a ? b : a)) : null,
    lastStatement: last ? { date: last.date, closingBalance: last.closingBalance, difference: last.closingBalance - shown } : null,
  };
}

/** The year's ClosingFacts as the decider's state folded them, in the environment of its decisions. */
export function closingFactsOf(state: LedgerState, env: ClosingEnv): ClosingFacts {
  const previous = env.earlierYears.at(-1);
  return closingFactsFrom(
    state.year,
    state.closingTally,
    openingOf(env.earlierYears, state.opening),
    previous ? previous.status === 'closed' : null,
    env.chart,
  );
}

/** The tally's advances as a list (its record is keyed by régie). */
export const advancesOfTally = (tally: ClosingTally): OpenAdvance[] => Object.entries(tally.advances).map(([regie, amount]) => ({ regie, amount }));
