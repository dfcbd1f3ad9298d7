import fc from 'fast-check';
import { net } from '../../src/domain/net-amount';
import { valueAt } from '../../src/domain/text-keys';
import { type DomainError } from '../../src/domain/errors';
import { type LedgerCommand, type LedgerState, balances, decide, evolve, foldLedger, foldLedgerInto, initialLedgerState } from '../../src/domain/ledger';
import { type EntryContent, type EntryLine, type LedgerEvent } from '../../src/events/ledger-events';
import { COOP, YEAR, env } from './ledger-fixtures';

/**
 * Random sequences of valid-looking commands, run as the command handler runs them. PJs come
 * from a small pool so that duplicates happen and must be refused; everything else must pass.
 */
const CHARGES = ['6070', '6168', '6181', '6270', '6586', '6700', '6800'];
const PRODUCTS = ['7070', '7080', '7410', '7460', '7560', '7580', '7610', '7700'];
const pjArb = fc.integer({ min: 1, max: 15 }).map((n) => String(n).padStart(2, '0'));
const dateArb = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(YEAR, 8, 1 + d)).toISOString().slice(0, 10));
const amountArb = fc.integer({ min: 1, max: 5_000_000 });

/** Splits an amount into 1–3 positive parts. */
const partsArb = (amount: number) =>
  fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 2 }).map((cuts) => {
    const parts: number[] = [];
    let rest = amount;
    for (const cut of cuts) {
      const part = Math.floor((rest * cut) / 100);
      if (part > 0 && part < rest) {
        parts.push(part);
        rest -= part;
      }
    }
    return [...parts, rest];
  });

const linesArb: fc.Arbitrary<EntryLine[]> = fc.oneof(
  // A receipt or an expense through the bank or the cash box, split over charge/product accounts.
  fc
    .record({ treasury: fc.constantFrom('512', '530'), receipt: fc.boolean(), amount: amountArb })
    .chain(({ treasury, receipt, amount }) =>
      partsArb(amount).chain((parts) =>
        fc
          .tuple(...parts.map(() => fc.constantFrom(...(receipt ? PRODUCTS : CHARGES))))
          .map((accounts) => [
            receipt ? { account: treasury, debit: amount } : { account: treasury, credit: amount },
            ...parts.map((part, i) => (receipt ? { account: accounts[i], credit: part } : { account: accounts[i], debit: part })),
          ]),
      ),
    ),
  // An advance paid, returned or explained.
  fc
    .record({ regie: fc.constantFrom('CP-CE1', 'CM2'), kind: fc.constantFrom('paid', 'returned', 'explained'), amount: amountArb })
    .map(({ regie, kind, amount }) =>
      kind === 'paid'
        ? [
            { account: '4670', debit: amount, regie },
            { account: '512', credit: amount },
          ]
        : kind === 'returned'
          ? [
              { account: '512', debit: amount },
              { account: '4670', credit: amount, regie },
            ]
          : [
              { account: '6181', debit: amount },
              { account: '4670', credit: amount, regie },
            ],
    ),
  // Cash deposited at the bank.
  amountArb.map((amount) => [
    { account: '512', debit: amount },
    { account: '530', credit: amount },
  ]),
);

const entryArb = fc.record({ pj: pjArb, date: dateArb, label: fc.constantFrom('Vente', 'Achat – facture 12', 'Régie'), lines: linesArb });

type Intent =
  | { do: 'record'; entry: { pj: string; date: string; label: string; lines: EntryLine[] } }
  | { do: 'amend' | 'duplicate'; pick: number; entry: { pj: string; date: string; label: string; lines: EntryLine[] } }
  | { do: 'delete' | 'reconcile' | 'unreconcile'; pick: number }
  | { do: 'count'; counts: Record<string, number> };

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 5, arbitrary: entryArb.map((entry) => ({ do: 'record' as const, entry })) },
  { weight: 2, arbitrary: fc.record({ do: fc.constantFrom('amend' as const, 'duplicate' as const), pick: fc.nat(), entry: entryArb }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constantFrom('delete' as const, 'reconcile' as const, 'unreconcile' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('1', '50', '200', '1000', '5000'), fc.nat({ max: 50 })).map((counts) => ({ do: 'count' as const, counts })),
  },
);

const scenarioArb = fc.record({
  opening: fc.record({ bank: fc.nat({ max: 10_000_000 }), cash: fc.nat({ max: 100_000 }) }),
  intents: fc.array(intentArb, { maxLength: 40 }),
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const liveIds = (state: LedgerState) =>
  Object.values(state.entries)
    .filter((e) => !e.deleted)
    .map((e) => e.entryId)
    .sort();

/** Plays the scenario; returns the events, checking on the way that a refusal is exactly PJ_DUPLICATE on a taken PJ. */
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function play({ opening, intents }: Scenario) {
  let state = initialLedgerState(COOP, YEAR);
  const events: LedgerEvent[] = [];
  const apply = (command: LedgerCommand) => {
    const produced = decide(command, state, env);
    events.push(...produced);
    state = produced.reduce(evolve, deepFreeze(state));
  };
  apply({ type: 'DeclareOpeningBalance', bank: opening.bank, cash: opening.cash });
  intents.forEach((intent, n) => {
    const ids = liveIds(state);
    const target = 'pick' in intent && ids.length > 0 ? ids[intent.pick % ids.length] : undefined;
    let command: LedgerCommand;
    switch (intent.do) {
      case 'record':
        command = { type: 'RecordEntry', entryId: `e${n}`, entry: intent.entry };
        break;
      case 'amend':
        if (!target) return;
        command = { type: 'AmendEntry', entryId: target, entry: intent.entry, expectedRevision: state.entries[target].revision };
        break;
      case 'duplicate':
        if (!target) return;
        command = { type: 'DuplicateEntry', entryId: `e${n}`, sourceEntryId: target, pj: intent.entry.pj };
        break;
      case 'delete':
        if (!target) return;
        command = { type: 'DeleteEntry', entryId: target };
        break;
      case 'reconcile':
        if (!target) return;
        command = { type: 'ReconcileEntry', entryId: target, statementDate: '2025-08-31' };
        break;
      case 'unreconcile':
        if (!target) return;
        command = { type: 'UnreconcileEntry', entryId: target };
        break;
      case 'count':
        command = { type: 'CountCash', countId: `c${n}`, date: '2025-06-30', counts: intent.counts };
        break;
    }
    try {
      apply(command);
    } catch (error) {
      const code = (error as DomainError).code;
      const pj = 'entry' in intent ? intent.entry.pj : '';
      const owner = state.pjs[pj];
      if (code === 'PJ_DUPLICATE' && owner !== undefined && owner !== (intent.do === 'amend' ? target : undefined)) return;
      if (code === 'NOT_A_BANK_ENTRY' && !state.entries[target!].content.lines.some((l) => l.account === '512')) return;
      if (code === 'ENTRY_RECONCILED' && intent.do === 'delete' && state.entries[target!].reconciled) return;
      throw error;
    }
  });
  return { events, state };
}

const fold = (events: LedgerEvent[]) => events.reduce(evolve, initialLedgerState(COOP, YEAR));
const balanced = (lines: EntryLine[]) => {
  const debits = lines.reduce((s, l) => s + (l.debit ?? 0), 0);
  const credits = lines.reduce((s, l) => s + (l.credit ?? 0), 0);
  return debits === credits && debits > 0 && lines.every((l) => (l.debit === undefined) !== (l.credit === undefined));
};

describe('ledger properties (random valid command sequences)', () => {
  it('every recorded or amended entry is balanced', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { events } = play(scenario);
        for (const e of events) if (e.type === 'EntryRecorded' || e.type === 'EntryAmended') expect(balanced(e.data.lines)).toBe(true);
      }),
    );
  });

  it('bank = opening + Σ512 debits − Σ512 credits over live entries (cash likewise)', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { events, state } = play(scenario);
        // An independent model: the live content of each entry, from the events alone.
        const live = new Map<string, EntryContent>();
        for (const e of events) {
          if (e.type === 'EntryRecorded' || e.type === 'EntryAmended') {
            const { entryId, ...content } = e.data;
            live.set(entryId, content as EntryContent);
          }
          if (e.type === 'EntryDeleted') live.delete(e.data.entryId);
        }
        const sum = (account: string) =>
          [...live.values()].flatMap((c) => c.lines).reduce((s, l) => (l.account === account ? s + (l.debit ?? 0) - (l.credit ?? 0) : s), 0);
        expect(balances(state, env)).toEqual({
          opening: scenario.opening,
          bank: scenario.opening.bank + sum('512'),
          cash: scenario.opening.cash + sum('530'),
        });
        const advances = Object.values(state.advances).reduce((s, m) => s + m.debit - m.credit, 0);
        expect(advances).toBe(net(valueAt(state.totals, '4670')));
      }),
    );
  });

  it('PJs are unique among the live entries of the year, and the PJ index says so', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { state } = play(scenario);
        const live = Object.values(state.entries).filter((e) => !e.deleted);
        const pjs = live.map((e) => e.content.pj);
        expect(new Set(pjs).size).toBe(pjs.length);
        expect(state.pjs).toEqual(Object.fromEntries(live.map((e) => [e.content.pj, e.entryId])));
      }),
    );
  });

  it('folding the events again gives the same state, which survives JSON', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { events, state } = play(scenario);
        const again = fold(events);
        expect(again).toEqual(state);
        expect(fold(events)).toEqual(again);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
    );
  });

  it('foldLedger (linear, for long streams) gives the state of evolving event by event, leaving its input untouched', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (scenario, cut) => {
        const { events, state } = play(scenario);
        const at = cut % (events.length + 1);
        const middle = deepFreeze(foldLedger(initialLedgerState(COOP, YEAR), events.slice(0, at)));
        expect(foldLedger(middle, events.slice(at))).toEqual(state);
        expect(middle).toEqual(fold(events.slice(0, at)));
      }),
    );
  });

  it("foldLedgerInto (the command side's own copy) reaches the same state, one event at a time or in runs", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (scenario, cut) => {
        const { events, state } = play(scenario);
        const at = cut % (events.length + 1);
        const owned = foldLedgerInto(initialLedgerState(COOP, YEAR), events.slice(0, at));
        for (const event of events.slice(at)) expect(foldLedgerInto(owned, [event])).toBe(owned);
        expect(owned).toEqual(state);
      }),
    );
  });
});
