import { AsyncLocalStorage } from 'node:async_hooks';
import { CommandBus } from '@nestjs/cqrs';
import { type INestApplicationContext } from '@nestjs/common';
import { commandContext } from '../src/commands/command-context';
import { RegisterCoop } from '../src/commands/coop.commands';
import { ExecuteLedgerCommand, ledgerFold } from '../src/commands/ledger.commands';
import { type StreamWriter } from '../src/commands/stream-writer';
import { type Clock } from '../src/domain/fiscal-year';
import { DENOMINATIONS } from '../src/domain/cash-box';
import { defaultChart } from '../src/domain/chart';
import { bankBookOf, type LedgerCommand, type YearFacts, yearFactsOf } from '../src/domain/ledger';
import { bankReconciliationAt, expectedStatementBalance } from '../src/domain/statements';
import { type EntryLine } from '../src/events/ledger-events';
import { ledgerStream } from '../src/events/streams';
import { STREAM_WRITER } from '../src/tokens';

/**
 * A realistic department written through the command path (the CommandBus and handler the
 * pages and the API send to): entries with splits and actions, advances paid and explained, cash sales
 * deposited, subsidies and their table, monthly reconciliations, cash counts, amendments and
 * deletions, and every past year closed, so the next one opens from its closing.
 */

/** The clock of each generating worker: events carry the moment their entry was typed. */
export class BenchClock implements Clock {
  private readonly local = new AsyncLocalStorage<{ now: Date }>();
  constructor(private fallback: Date) {}
  now(): Date {
    return new Date((this.local.getStore()?.now ?? this.fallback).getTime());
  }
  run<T>(start: Date, work: (set: (at: Date) => void) => Promise<T>): Promise<T> {
    const store = { now: start };
    return this.local.run(store, () => work((at) => (store.now = at)));
  }
}

export interface CoopPlan {
  coopId: string;
  firstYear: number;
  /** Entries recorded in each year, from firstYear to the current year. */
  entriesPerYear: number[];
}

export interface DepartmentPlan {
  department: string;
  currentYear: number;
  /** 'YYYY-MM-DD': the last day entries of the current year may carry. */
  today: string;
  coops: CoopPlan[];
}

export interface Generated {
  commands: number;
  entries: number;
  ms: number;
}

/** Small, fast, seeded: the same plan gives the same department. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A department of the realistic mix: `coops` coops (entries per year skewed towards the minimum),
 * a busy coop with a 500-entry current year (the grid and PDF figures) and an auditor's coop with
 * ten closed years of 500 entries (time-travel). Every department of the scale bench has the same
 * mix, under its own code and coop ids.
 */
export function departmentPlan(
  department: string,
  today: string,
  currentYear: number,
  size: { coops: number; minEntries: number; maxEntries: number },
): DepartmentPlan {
  const coops: CoopPlan[] = [];
  const random = rng(2026);
  coops.push({ coopId: `C${department}BUSY`, firstYear: currentYear - 1, entriesPerYear: [500, 500] });
  coops.push({ coopId: `C${department}TEN`, firstYear: currentYear - 10, entriesPerYear: [...Array<number>(10).fill(500), 60] });
  for (let i = coops.length; i < size.coops; i++) {
    const entries = () => Math.round(size.minEntries + random() ** 2 * (size.maxEntries - size.minEntries));
    coops.push({ coopId: `C${department}${String(i).padStart(4, '0')}`, firstYear: currentYear - 1, entriesPerYear: [entries(), entries()] });
  }
  return { department, currentYear, today, coops };
}

const ACTIONS = ['Sortie musée', 'Kermesse', 'Photos', 'Classe de mer', 'Spectacle de Noël', 'Bibliothèque', 'Jardin', 'Carnaval'];
const CLASSES = ['CP', 'CE1', 'CE2', 'CM1', 'CM2', 'GS', 'MS'];
const SUPPLIERS = ['Librairie du Port', 'Autocars Normands', 'Jardinerie Leroy', 'Papeterie Centrale', 'Théâtre du Champ', 'Boulangerie Marie'];

const line = (account: string, side: 'debit' | 'credit', amount: number, regie?: string): EntryLine => ({
  account,
  [side]: amount,
  ...(regie ? { regie } : {}),
});

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const daysBetween = (a: string, b: string): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** Greedy count of a cash amount in coins and bills. */
function countOf(total: number): Record<string, number> {
  const counts: Record<string, number> = {};
  let rest = total;
  for (const d of [...DENOMINATIONS].sort((a, b) => b - a)) {
    const n = Math.floor(rest / d);
    if (n > 0) counts[String(d)] = n;
    rest -= n * d;
  }
  return counts;
}

interface Step {
  at: string;
  command: LedgerCommand;
}

/** The commands of one coop's fiscal year, in the order a mandataire would type them. */
function yearSteps(
  plan: CoopPlan,
  year: number,
  entries: number,
  lastDay: string,
  close: boolean,
  carried: string[],
  random: () => number,
): { steps: Step[]; unreconciled: string[] } {
  const steps: Step[] = [];
  const start = `${year}-09-01`;
  const span = Math.max(1, daysBetween(start, lastDay));
  const dateOf = (i: number): string => addDays(start, Math.min(span, Math.floor((i * span) / Math.max(1, entries))));
  const id = (k: string) => `${plan.coopId}_${year}_${k}`;
  const amount = (min: number, max: number) => Math.round(min + random() * (max - min)) * 10;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  let pj = 0;
  let cheque = 1_568_900 + Math.floor(random() * 1000);
  let cash = year === plan.firstYear ? 4520 : -1; // -1: carried from the previous closing, tracked by the caller
  const subsidyRows: Array<{ origin: string; amount: number; date: string; designation: string; attachedToExpenses: number }> = [];
  const bankEntries: string[] = [];
  const record = (date: string, label: string, lines: EntryLine[], extra: { chequeNo?: string; actionA?: string; actionB?: string } = {}): string => {
    pj += 1;
    const entryId = id(`e${pj}`);
    steps.push({
      at: date,
      command: {
        type: 'RecordEntry',
        entryId,
        entry: { pj: String(pj), date, label, chequeNo: extra.chequeNo ?? null, actionA: extra.actionA ?? null, actionB: extra.actionB ?? null, lines },
      },
    });
    if (lines.some((l) => l.account === '512')) bankEntries.push(entryId);
    return entryId;
  };

  if (year === plan.firstYear) steps.push({ at: start, command: { type: 'DeclareOpeningBalance', bank: 184250, cash: 4520, date: start } });
  for (const entryId of carried)
    steps.push({ at: addDays(start, 20), command: { type: 'MarkCarriedOverItemSeen', entryId, statementDate: addDays(start, 20) } });

  // The year's membership and insurance: one cheque, a split on two charges.
  record(dateOf(0), "OCCE – Cotisation et assurance de l'année", [line('6586', 'debit', 21200), line('6168', 'debit', 2100), line('512', 'credit', 23300)], {
    chequeNo: String(cheque++),
  });
  let pendingAdvance: { regie: string; amount: number; due: number } | null = null;
  let pendingDeposit = 0;
  let reconciledUpTo = 0;
  let recorded = 1;
  while (recorded < entries) {
    const i = recorded;
    const date = dateOf(i);
    const roll = random();
    const action = random() < 0.6 ? pick(ACTIONS) : undefined;
    if (pendingAdvance && i >= pendingAdvance.due) {
      const { regie, amount: paid } = pendingAdvance;
      const part = Math.round(paid * 0.6);
      record(
        date,
        `Cahier de régie ${regie} – dépenses de la classe`,
        [line('6181', 'debit', part), line('6070', 'debit', paid - part), line('4670', 'credit', paid, regie)],
        { actionB: regie },
      );
      pendingAdvance = null;
    } else if (pendingDeposit > 0 && roll < 0.3) {
      record(date, 'Dépôt des espèces en banque', [line('512', 'debit', pendingDeposit), line('530', 'credit', pendingDeposit)]);
      if (cash >= 0) cash -= pendingDeposit;
      pendingDeposit = 0;
    } else if (roll < 0.35) {
      const total = amount(500, 40000);
      const lines =
        random() < 0.25 ? [line('6181', 'debit', total - 1000), line('6270', 'debit', 1000)] : [line(pick(['6181', '6070', '6181']), 'debit', total)];
      record(date, `${pick(SUPPLIERS)} – Facture n°${1000 + i}`, [...lines, line('512', 'credit', total)], { chequeNo: String(cheque++), actionA: action });
    } else if (roll < 0.6) {
      const total = amount(300, 30000);
      record(date, `Familles – Participation ${action ?? 'aux projets'}`, [line('512', 'debit', total), line('7560', 'credit', total)], { actionA: action });
    } else if (roll < 0.7) {
      const total = amount(100, 2000);
      record(date, 'Vente de gâteaux', [line('530', 'debit', total), line('7070', 'credit', total)], { actionA: action ?? 'Kermesse' });
      if (cash >= 0) cash += total;
      pendingDeposit += total;
    } else if (roll < 0.78 && !pendingAdvance) {
      const regie = `${pick(CLASSES)}-${year}`;
      const paid = amount(1000, 20000);
      record(date, `Régie d'avance – classe ${regie}`, [line('4670', 'debit', paid, regie), line('512', 'credit', paid)], {
        chequeNo: String(cheque++),
        actionB: regie,
      });
      pendingAdvance = { regie, amount: paid, due: i + 5 + Math.floor(random() * 20) };
    } else if (roll < 0.83) {
      const total = amount(2000, 80000);
      const origin = pick(['Mairie', 'Département', 'APE']);
      record(date, `${origin} – Subvention`, [line('512', 'debit', total), line('7410', 'credit', total)]);
      subsidyRows.push({ origin, amount: total, date, designation: 'Projets de la coopérative', attachedToExpenses: total });
    } else if (roll < 0.93) {
      const fee = amount(50, 300);
      record(date, 'Frais de tenue de compte', [line('6270', 'debit', fee), line('512', 'credit', fee)]);
    } else {
      const total = amount(200, 5000);
      record(date, 'Don d’une famille', [line('512', 'debit', total), line('7580', 'credit', total)], { actionA: action });
    }
    recorded += 1;
    // Corrections: a label amended now and then, a mistaken entry deleted and typed again.
    const last = steps[steps.length - 1].command;
    if (last.type === 'RecordEntry' && random() < 0.03) {
      steps.push({
        at: date,
        command: { type: 'AmendEntry', entryId: last.entryId, entry: { ...last.entry, label: `${String(last.entry.label)} (corrigé)` }, expectedRevision: 1 },
      });
    }
    // The monthly statement: every bank entry typed so far is ticked, save the last few.
    if (i % 25 === 0) {
      const upTo = Math.max(reconciledUpTo, bankEntries.length - 2);
      for (const entryId of bankEntries.slice(reconciledUpTo, upTo))
        steps.push({ at: date, command: { type: 'ReconcileEntry', entryId, statementDate: date } });
      reconciledUpTo = upTo;
      if (cash >= 0) steps.push({ at: date, command: { type: 'CountCash', countId: id(`c${i}`), date, counts: countOf(cash) } });
    }
  }
  if (pendingAdvance) {
    const { regie, amount: paid } = pendingAdvance;
    record(lastDay, `Retour de la régie ${regie}`, [line('512', 'debit', paid), line('4670', 'credit', paid, regie)]);
  }
  const end = close ? `${year + 1}-08-31` : lastDay;
  for (const entryId of bankEntries.slice(reconciledUpTo, close ? bankEntries.length - 2 : bankEntries.length - 3)) {
    steps.push({ at: end, command: { type: 'ReconcileEntry', entryId, statementDate: end } });
  }
  if (subsidyRows.length > 0) steps.push({ at: end, command: { type: 'DeclareSubsidies', rows: subsidyRows } });
  steps.push({ at: end, command: { type: 'ReportActivity', activity: pick(ACTIONS), text: 'Les élèves ont préparé et tenu les stands.' } });
  if (close) {
    steps.push({ at: end, command: { type: 'CountCash', countId: id('final'), date: end, counts: { __cash__: 1 } } });
    // The August statement: its balance (NaN here) is the bank's, computed when it is typed.
    steps.push({ at: end, command: { type: 'DeclareStatement', statementId: id('releve_08'), date: end, closingBalance: Number.NaN } });
    steps.push({ at: `${year + 1}-09-02`, command: { type: 'CloseYear' } });
  }
  return { steps, unreconciled: close ? bankEntries.slice(-2) : [] };
}

/**
 * Registers the coops and writes every year of every coop, `concurrency` coops at a time (a
 * department's mandataires typing side by side); each coop's commands go in order.
 */
export async function generateDepartment(
  app: INestApplicationContext,
  clock: BenchClock,
  plan: DepartmentPlan,
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Generated> {
  const bus = app.get(CommandBus);
  const writer = app.get<StreamWriter>(STREAM_WRITER);
  const stateOf = async (coopId: string, year: number) => (await writer.load(ledgerStream(coopId, year), ledgerFold(coopId, year))).state;
  const actor = { username: 'bench', role: 'admin' as const };
  const started = performance.now();
  let commands = 0;
  let entries = 0;
  let done = 0;
  const queue = plan.coops.map((coop, index) => ({ coop, index }));
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { coop, index } = next;
      const random = rng(index + 1);
      await clock.run(new Date(`${coop.firstYear}-08-25T09:00:00Z`), async (set) => {
        await bus.execute(
          new RegisterCoop(
            {
              type: 'RegisterCoop',
              coopId: coop.coopId,
              department: plan.department,
              firstYear: coop.firstYear,
              identity: { name: `Coopérative de l'école n°${index + 1}`, school: `École ${index + 1}`, mandataires: ['Claire Martin'] },
            },
            commandContext(actor, `bench:${coop.coopId}:register`),
          ),
        );
        commands += 1;
        let carried: string[] = [];
        for (let k = 0; k < coop.entriesPerYear.length; k++) {
          const year = coop.firstYear + k;
          const close = year < plan.currentYear;
          const lastDay = close ? `${year + 1}-08-20` : plan.today;
          const { steps, unreconciled } = yearSteps(coop, year, coop.entriesPerYear[k], lastDay, close, carried, random);
          carried = unreconciled;
          for (const [n, step] of steps.entries()) {
            set(new Date(`${step.at}T16:${String(n % 60).padStart(2, '0')}:00Z`));
            let command = step.command;
            // The final count is the cash balance as the command side sees it.
            if (command.type === 'CountCash' && '__cash__' in command.counts) {
              const state = await stateOf(coop.coopId, year);
              const previous = year > coop.firstYear ? await stateOf(coop.coopId, year - 1) : null;
              const opening = state.opening?.cash ?? previous?.closing?.cash ?? 0;
              const balance = opening + (state.totals['530']?.debit ?? 0) - (state.totals['530']?.credit ?? 0);
              command = { ...command, counts: countOf(balance) };
            }
            if (command.type === 'DeclareStatement' && Number.isNaN(command.closingBalance)) {
              const state = await stateOf(coop.coopId, year);
              const earlierYears: YearFacts[] = [];
              for (let earlier = year - 1; earlier >= coop.firstYear; earlier--) {
                const facts = yearFactsOf(await stateOf(coop.coopId, earlier));
                earlierYears.unshift(facts);
                if (facts.status === 'closed') break;
              }
              const env = { firstYear: coop.firstYear, earlierYears, chart: defaultChart(plan.department, year) };
              command = { ...command, closingBalance: expectedStatementBalance(bankReconciliationAt(command.date, bankBookOf(state, env))) };
            }
            await bus.execute(new ExecuteLedgerCommand(coop.coopId, year, command, commandContext(actor, `bench:${coop.coopId}:${year}:${n}`)));
            commands += 1;
            if (command.type === 'RecordEntry') entries += 1;
          }
        }
      });
      done += 1;
      onProgress?.(done, plan.coops.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { commands, entries, ms: performance.now() - started };
}
