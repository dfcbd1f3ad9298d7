import { defaultChart } from '../../src/domain/chart';
import {
  type EntryInput,
  type LedgerEnv,
  type LedgerState,
  type YearFacts,
  type YearStatus,
  decide,
  evolve,
  initialLedgerState,
} from '../../src/domain/ledger';
import { type EntryContent, type EntryLine, type LedgerEvent, type YearClosed } from '../../src/events/ledger-events';
import { DeciderSpecification } from './decider-specification';

/** A coop in its first year, 2024 (1 Sept 2024 → 31 Aug 2025), on a day in the middle of it. */
export const COOP = 'ecole_jules_ferry';
export const YEAR = 2024;

export const env: LedgerEnv = {
  coopId: COOP,
  year: YEAR,
  department: '14',
  today: '2025-03-01',
  chart: defaultChart('14', YEAR),
  firstYear: YEAR,
  earlierYears: [],
};

/** An earlier year as the decider's env lists it: closed with `closing` (or unlocked after it), else open and empty. */
export const earlierYear = (year: number, closing: YearClosed | null, status: YearStatus = closing ? 'closed' : 'open'): YearFacts => ({
  year,
  declaredOpening: null,
  status,
  closing,
  bank: 0,
  cash: 0,
  advances: [],
});

/** A day closing is offered for 2024. */
export const CLOSING_DAY = '2025-09-02';

export const ledgerSpec = DeciderSpecification.for({ decide, evolve, initialState: () => initialLedgerState(COOP, YEAR) }, env);

export const fold = (events: LedgerEvent[], start: LedgerState = initialLedgerState(COOP, YEAR)): LedgerState => events.reduce(evolve, start);

/** Runs commands one after the other, as the command handler would: decide on the state so far, fold. */
export function run(commands: Parameters<typeof decide>[0][], overrides: Partial<LedgerEnv> = {}, given: LedgerEvent[] = []) {
  const events = [...given];
  let state = fold(given, initialLedgerState(COOP, overrides.year ?? YEAR));
  for (const command of commands) {
    const produced = decide(command, state, { ...env, ...overrides });
    events.push(...produced);
    state = produced.reduce(evolve, state);
  }
  return { events, state };
}

export const input = (pj: string, date: string, label: string, lines: EntryLine[], more: Partial<EntryInput> = {}): EntryInput => ({
  pj,
  date,
  label,
  lines,
  ...more,
});

export const content = (pj: string, date: string, label: string, lines: EntryLine[], more: Partial<EntryContent> = {}): EntryContent => ({
  pj,
  date,
  label,
  chequeNo: null,
  actionA: null,
  actionB: null,
  lines,
  ...more,
});

export const recorded = (entryId: string, c: EntryContent): LedgerEvent => ({ type: 'EntryRecorded', data: { entryId, ...c } });

/** The first year's "Existence au début de l'exercice", without which it cannot close (OPENING_MISSING). */
export const opened: LedgerEvent = { type: 'OpeningBalanceDeclared', data: { bank: 0, cash: 0, date: '2024-09-01' } };

/** A bank receipt (512 debit / product credit) or expense (charge debit / 512 credit). */
export const receipt = (entryId: string, pj: string, amount: number, account = '7070', date = '2024-10-01'): LedgerEvent =>
  recorded(
    entryId,
    content(pj, date, `Recette ${pj}`, [
      { account: '512', debit: amount },
      { account, credit: amount },
    ]),
  );
export const expense = (entryId: string, pj: string, amount: number, account = '6181', date = '2024-10-02'): LedgerEvent =>
  recorded(
    entryId,
    content(pj, date, `Dépense ${pj}`, [
      { account, debit: amount },
      { account: '512', credit: amount },
    ]),
  );
/** amount and clearedOn as the decider writes them for the board, when given. */
export const reconciled = (entryId: string, statementDate: string | null = null, amount?: number, clearedOn?: string): LedgerEvent => ({
  type: 'EntryReconciled',
  data: amount === undefined ? { entryId, statementDate } : { entryId, statementDate, amount, clearedOn: clearedOn ?? statementDate ?? undefined },
});

/** A paper statement: its date and closing balance. */
export const statement = (date: string, closingBalance: number, statementId = `s-${date}`): LedgerEvent => ({
  type: 'StatementDeclared',
  data: { statementId, date, closingBalance },
});
