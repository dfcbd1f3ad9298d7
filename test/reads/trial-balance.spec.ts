import fc from 'fast-check';
import { defaultChart } from '../../src/domain/chart';
import { type RecordedEvent } from '../../src/events/envelope';
import { type EntryLine } from '../../src/events/ledger-events';
import { coopStream, ledgerStream } from '../../src/events/streams';
import { type CoopDoc, coopsProjection } from '../../src/projections/coops.projection';
import { foldInMemory } from '../../src/projections/fold';
import { YEAR_FACTS, type YearFactsDoc, yearFactsProjection } from '../../src/projections/year-facts.projection';
import { aggregatedResult, coopBalances, trialBalance, type TrialBalanceScope, type TrialBalanceView } from '../../src/reads/trial-balance';

/**
 * A department's log written by hand: coops registered, openings declared, balanced entries
 * recorded and deleted, years closed and the year's end events of the year-end work
 * (SubmissionSent / SubmissionAccepted / SubmissionReturned) by name.
 */
class Log {
  readonly events: RecordedEvent[] = [];
  private position = 0n;
  private readonly revisions = new Map<string, number>();

  add(stream: string, type: string, data: unknown): void {
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    this.position += 1n;
    this.events.push({
      id: `e${this.position}`,
      type,
      data,
      stream,
      revision,
      position: this.position,
      metadata: {
        actor: 't',
        role: 'mandataire',
        at: new Date(Date.UTC(2025, 0, 1) + Number(this.position) * 60_000).toISOString(),
        $correlationId: 'c',
        $causationId: 'c',
        schemaVersion: 1,
        department: '14',
        prevHash: '',
        hash: '',
      },
    });
  }

  register(coopId: string, firstYear = 2024): void {
    this.add(coopStream(coopId), 'CoopRegistered', { coopId, department: '14', firstYear, name: `École ${coopId}`, school: null, uai: null, mandataires: [] });
  }

  view(year: number, scope: TrialBalanceScope): TrialBalanceView {
    const docs = foldInMemory([coopsProjection, yearFactsProjection], this.events);
    const years = [...(docs.get(YEAR_FACTS)?.values() ?? [])] as YearFactsDoc[];
    const coops = [...docs.get('coops')!.values()] as CoopDoc[];
    const chart = defaultChart('14', year);
    return trialBalance('14', year, scope, chart, coopBalances(coops, years, year), coopBalances(coops, years, year - 1));
  }
}

const line = (account: string, side: 'debit' | 'credit', amount: number, regie?: string): EntryLine => ({
  account,
  [side]: amount,
  ...(regie ? { regie } : {}),
});
const byAccount = (view: TrialBalanceView) => Object.fromEntries(view.accounts.map((a) => [a.account, a]));

describe('consolidated trial balance', () => {
  function guideDepartment(): Log {
    const log = new Log();
    log.register('c1');
    log.register('c2');
    log.add(ledgerStream('c1', 2024), 'OpeningBalanceDeclared', { bank: 100000, cash: 5000, date: '2024-09-01' });
    log.add(ledgerStream('c1', 2024), 'EntryRecorded', {
      entryId: 'a',
      pj: '01',
      date: '2024-09-10',
      label: 'OCCE 14 – Cotisation et assurance',
      chequeNo: '1568001',
      actionA: null,
      actionB: null,
      lines: [line('6586', 'debit', 21200), line('6168', 'debit', 2100), line('512', 'credit', 23300)],
    });
    log.add(ledgerStream('c1', 2024), 'EntryRecorded', {
      entryId: 'b',
      pj: '02',
      date: '2024-10-10',
      label: 'Photos',
      chequeNo: null,
      actionA: null,
      actionB: null,
      lines: [line('512', 'debit', 32000), line('7070', 'credit', 32000)],
    });
    log.add(ledgerStream('c2', 2024), 'EntryRecorded', {
      entryId: 'c',
      pj: '01',
      date: '2024-09-12',
      label: 'Régie CP',
      chequeNo: null,
      actionA: null,
      actionB: null,
      lines: [line('4670', 'debit', 15000, 'CP'), line('512', 'credit', 15000)],
    });
    return log;
  }

  it('lists every account used with opening, movements and closing; the opening balances on the carried-forward result', () => {
    const view = guideDepartment().view(2024, 'all');
    const a = byAccount(view);
    expect(view.accounts.map((l) => l.account)).toEqual(['110', '4670', '512', '530', '6168', '6586', '7070']);
    expect(a['512']).toMatchObject({ opening: 100000, debit: 32000, credit: 38300, closing: 93700, class: '5' });
    expect(a['110']).toMatchObject({ opening: -105000, debit: 0, credit: 0, closing: -105000, class: '1' });
    expect(a['4670']).toMatchObject({ opening: 0, debit: 15000, closing: 15000 });
    expect(view.totals).toMatchObject({ debit: 70300, credit: 70300, opening: { debit: 105000, credit: 105000 } });
    expect(view.totals.closing.debit).toBe(view.totals.closing.credit);
    expect(view).toMatchObject({ coops: 2, final: 0, provisional: 2, included: 2 });
  });

  it('marks what the coops pay the department itself as internal, and shows the result with and without it', () => {
    const view = guideDepartment().view(2024, 'all');
    expect(view.accounts.filter((a) => a.internal).map((a) => a.account)).toEqual(['6168', '6586']);
    const result = aggregatedResult(view);
    expect(result).toMatchObject({ totalCharges: 23300, internalCharges: 23300, totalProducts: 32000, result: 8700, resultWithoutInternal: 32000 });
  });

  it('final: closed and accepted by the department; an unlock voids it; the next year opens from the closing with the prior year beside', () => {
    const log = guideDepartment();
    const c1 = ledgerStream('c1', 2024);
    log.add(c1, 'YearClosed', { closedOn: '2025-09-05', bank: 108700, cash: 5000, result: 8700, openAdvances: [], unreconciled: [] });
    expect(log.view(2024, 'final')).toMatchObject({ final: 0, included: 0, accounts: [] });
    log.add(c1, 'SubmissionSent', { version: 1, chainHead: 'h', sentOn: '2025-09-20', late: false, documentIds: [] });
    log.add(c1, 'SubmissionAccepted', { version: 1 });
    const final = log.view(2024, 'final');
    expect(final).toMatchObject({ coops: 2, final: 1, provisional: 1, included: 1 });
    expect(byAccount(final)['512'].closing).toBe(108700);
    expect(byAccount(final)['4670']).toBeUndefined();

    const next = log.view(2025, 'all');
    // c1 opens from its closing, c2 (still open) from its year as it stands.
    expect(byAccount(next)['512']).toMatchObject({ opening: 108700 - 15000, previousClosing: 108700 - 15000 });
    expect(byAccount(next)['4670']).toMatchObject({ opening: 15000, previousClosing: 15000 });
    expect(byAccount(next)['6586']).toMatchObject({ opening: 0, debit: 0, closing: 0, previousClosing: 21200 });

    log.add(c1, 'YearUnlocked', { reason: 'correction' });
    expect(log.view(2024, 'final')).toMatchObject({ final: 0, included: 0 });
  });

  describe('properties, for any generated department', () => {
    const coopsArb = fc.integer({ min: 1, max: 6 });
    const accountArb = fc.constantFrom('6070', '6168', '6181', '6586', '7070', '7410', '7560');
    const entryArb = fc.record({
      coop: fc.integer({ min: 0, max: 5 }),
      treasury: fc.constantFrom('512', '530'),
      account: accountArb,
      amount: fc.integer({ min: 1, max: 100_000_000 }),
      regie: fc.boolean(),
      deleted: fc.boolean(),
    });
    const departmentArb = fc.record({
      coops: coopsArb,
      openings: fc.array(fc.tuple(fc.integer({ min: -500_000, max: 5_000_000 }), fc.integer({ min: 0, max: 50_000 })), { minLength: 6, maxLength: 6 }),
      entries: fc.array(entryArb, { maxLength: 40 }),
      closedAndAccepted: fc.array(fc.constantFrom('none', 'closed', 'accepted', 'unlocked'), { minLength: 6, maxLength: 6 }),
    });

    type Department = typeof departmentArb extends fc.Arbitrary<infer T> ? T : never;
    function build(d: Department): { log: Log; reference: Map<string, Record<string, { debit: number; credit: number }>> } {
      const log = new Log();
      const reference = new Map<string, Record<string, { debit: number; credit: number }>>();
      for (let i = 0; i < d.coops; i++) {
        log.register(`c${i}`);
        const [bank, cash] = d.openings[i];
        log.add(ledgerStream(`c${i}`, 2024), 'OpeningBalanceDeclared', { bank, cash, date: '2024-09-01' });
        reference.set(`c${i}`, {});
      }
      d.entries.forEach((e, n) => {
        if (e.coop >= d.coops) return;
        const coopId = `c${e.coop}`;
        const lines = e.regie
          ? [line('4670', 'debit', e.amount, 'R'), line(e.treasury, 'credit', e.amount)]
          : e.account.startsWith('6')
            ? [line(e.account, 'debit', e.amount), line(e.treasury, 'credit', e.amount)]
            : [line(e.treasury, 'debit', e.amount), line(e.account, 'credit', e.amount)];
        const content = { pj: String(n), date: '2024-10-01', label: 'x', chequeNo: null, actionA: null, actionB: null, lines };
        log.add(ledgerStream(coopId, 2024), 'EntryRecorded', { entryId: `x${n}`, ...content });
        if (e.deleted) log.add(ledgerStream(coopId, 2024), 'EntryDeleted', { entryId: `x${n}`, previous: content });
        else {
          const sums = reference.get(coopId)!;
          for (const l of lines) {
            const s = (sums[l.account] ??= { debit: 0, credit: 0 });
            s.debit += l.debit ?? 0;
            s.credit += l.credit ?? 0;
          }
        }
      });
      for (let i = 0; i < d.coops; i++) {
        const stream = ledgerStream(`c${i}`, 2024);
        const fate = d.closedAndAccepted[i];
        if (fate === 'none') continue;
        log.add(stream, 'YearClosed', { closedOn: '2025-09-10', bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [] });
        if (fate === 'closed') continue;
        log.add(stream, 'SubmissionSent', { version: 1, chainHead: 'h', sentOn: '2025-09-20', late: false, documentIds: [] });
        log.add(stream, 'SubmissionAccepted', { version: 1 });
        if (fate === 'unlocked') log.add(stream, 'YearUnlocked', { reason: 'x' });
      }
      return { log, reference };
    }

    it('the consolidated balance is the sum of every coop’s, to the cent; debits = credits; final ⊆ all', () => {
      fc.assert(
        fc.property(departmentArb, (d) => {
          const { log, reference } = build(d);
          const all = log.view(2024, 'all');
          const final = log.view(2024, 'final');
          // Movements: the sum of each coop's own lines.
          const expected: Record<string, { debit: number; credit: number }> = {};
          for (const sums of reference.values()) {
            for (const [account, s] of Object.entries(sums)) {
              const e = (expected[account] ??= { debit: 0, credit: 0 });
              e.debit += s.debit;
              e.credit += s.credit;
            }
          }
          for (const [account, e] of Object.entries(expected)) {
            if (e.debit === 0 && e.credit === 0) continue;
            expect(byAccount(all)[account]).toMatchObject(e);
          }
          // Per coop, summed: every figure of every account.
          for (const a of all.accounts) {
            for (const key of ['opening', 'debit', 'credit', 'closing'] as const) {
              expect(a[key]).toBe(all.byCoop.reduce((s, c) => s + (c.accounts[a.account]?.[key] ?? 0), 0));
            }
            expect(a.closing).toBe(a.opening + a.debit - a.credit);
          }
          for (const view of [all, final]) {
            expect(view.totals.debit).toBe(view.totals.credit);
            expect(view.totals.opening.debit).toBe(view.totals.opening.credit);
            expect(view.totals.closing.debit).toBe(view.totals.closing.credit);
          }
          // Final ⊆ all: the final coops are among all of them, their figures a part of the whole.
          const allCoops = new Set(all.byCoop.map((c) => c.coopId));
          expect(final.byCoop.every((c) => allCoops.has(c.coopId) && c.final)).toBe(true);
          expect(final.included).toBe(d.closedAndAccepted.slice(0, d.coops).filter((f) => f === 'accepted').length);
          expect(final.final).toBe(all.final);
          for (const a of final.accounts) {
            const whole = byAccount(all)[a.account];
            for (const coop of final.byCoop)
              expect(coop.accounts[a.account] ?? null).toEqual(all.byCoop.find((c) => c.coopId === coop.coopId)!.accounts[a.account] ?? null);
            expect(whole).toBeDefined();
          }
        }),
        { numRuns: 150 },
      );
    });
  });
});
