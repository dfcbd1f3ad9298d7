import { valueAt } from '../../text-keys';
import { type EntryContent, type EntryLine, type LedgerEvent, type StatementFile, type StatementLine } from '../../../events/ledger-events';
import { BANK } from '../../chart';
import { DomainError, reject } from '../../errors';
import { formatFrenchDate, isInYear } from '../../fiscal-year';
import { formatEuros, MAX_LINE_CENTS } from '../../money';
import { heldLinesOf, lineIdsOf } from '../../statements/line-identity';
import { type ParsedStatement } from '../../statements/statement-file';
import { dateInYear, dateOutsideYear, MAX_LENGTH, optionalText } from '../entries/validation';
import { openingOf } from '../opening';
import { netOn } from '../../net-amount';
import { touches } from '../state';
import { type EntryState, type LedgerCommand, type LedgerEnv, type LedgerState, type LineMatch, type StatementLineInput, type StatementState } from '../types';

/** One line of a statement, one balance: 1 000 000,00 € at most, as any amount. */
const MAX_AMOUNT = MAX_LINE_CENTS;
const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_AMOUNT;

function statementHeader(statementId: string, date: unknown, closingBalance: unknown, state: LedgerState): { date: string; closingBalance: number } {
  const errors: DomainError[] = [];
  if (optionalText(date) === null) {
    errors.push(new DomainError('STATEMENT_DATE_REQUIRED', 'Indiquez la date du relevé (la date de son solde).', 'date'));
  }
  const iso = optionalText(date) === null ? null : dateInYear(date, state.year, 'date', errors, dateOutsideYear);
  if (closingBalance === undefined || closingBalance === null || closingBalance === '') {
    errors.push(new DomainError('STATEMENT_BALANCE_REQUIRED', 'Indiquez le solde du relevé à sa date.', 'closingBalance'));
  } else if (!isAmount(closingBalance)) {
    errors.push(new DomainError('AMOUNT_INVALID', 'Le solde du relevé doit être un nombre entier de centimes (1 000 000,00 € au plus).', 'closingBalance'));
  }
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(statementId)) errors.push(new DomainError('STATEMENT_INVALID', 'Identifiant de relevé invalide.', 'statementId'));
  reject(errors);
  return { date: iso!, closingBalance: closingBalance as number };
}

/** A paper statement: its date and balance. */
export function declareStatement(statementId: string, date: unknown, closingBalance: unknown, state: LedgerState): LedgerEvent[] {
  if (valueAt(state.statements, statementId)) return [];
  const header = statementHeader(statementId, date, closingBalance, state);
  return [{ type: 'StatementDeclared', data: { statementId, ...header } }];
}

/**
 * A statement from the bank's file: the lines no earlier statement of the year holds (the same
 * line imported twice is skipped), those dated in the year; the date and balance the file states,
 * unless the user gave them.
 */
export function importStatement(
  command: { statementId: string; date?: unknown; closingBalance?: unknown; file: StatementFile; lines: readonly StatementLineInput[] },
  state: LedgerState,
): LedgerEvent[] {
  if (valueAt(state.statements, command.statementId)) return [];
  const header = statementHeader(command.statementId, command.date, command.closingBalance, state);
  // The same file again (a double click, a retry, eight tabs): one statement, not empty copies.
  const same = Object.values(state.statements).find((s) => s.file !== null && s.file.sha256 === command.file?.sha256);
  if (same) {
    throw new DomainError('STATEMENT_ALREADY_IMPORTED', `Ce fichier est déjà importé : c'est le relevé du ${formatFrenchDate(same.date)}.`, 'file', 'conflict');
  }
  const errors: DomainError[] = [];
  command.lines.forEach((line, i) => {
    if (!isAmount(line.amount)) errors.push(new DomainError('AMOUNT_INVALID', `Opération n° ${i + 1} : montant invalide (1 000 000,00 € au plus).`, 'file'));
    if (typeof line.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(line.date))
      errors.push(new DomainError('DATE_REQUIRED', `Opération n° ${i + 1} : date invalide.`, 'file'));
  });
  reject(errors);
  const inYear = command.lines.filter((line) => isInYear(line.date, state.year));
  const outsideYear = command.lines.length - inYear.length;
  const heldLines = Object.values(state.statements).flatMap((s) => s.lines.map((line) => ({ ...line, statementDate: s.date })));
  const held = heldLinesOf(inYear, heldLines);
  const ids = lineIdsOf(inYear);
  const seen = new Set<string>();
  const lines: StatementLine[] = [];
  const heldOn = new Set<string>();
  inYear.forEach((line, i) => {
    const lineId = ids[i];
    const same = held[i];
    if (same) heldOn.add(same.statementDate);
    if (same || seen.has(lineId) || valueAt(state.statementLines, lineId)) return;
    seen.add(lineId);
    lines.push({
      lineId,
      date: line.date,
      // The entries' rule for text: controls become spaces, bidirectional overrides go.
      label: (optionalText(line.label) ?? '').slice(0, MAX_LENGTH.label),
      amount: line.amount,
      chequeNo: optionalText(line.chequeNo)?.slice(0, 30) ?? null,
      reference: optionalText(line.reference)?.slice(0, 100) ?? null,
    });
  });
  const duplicates = inYear.length - lines.length;
  // Every operation already held (the same month exported again, or as OFX after the CSV): no empty "0 lignes" statement.
  if (inYear.length > 0 && lines.length === 0) {
    const dates = [...heldOn].sort().map(formatFrenchDate);
    const where = dates.length === 0 ? '' : ` (${dates.length === 1 ? 'relevé' : 'relevés'} du ${dates.join(', du ')})`;
    throw new DomainError(
      'STATEMENT_ALREADY_IMPORTED',
      `Toutes les opérations de ce fichier sont déjà importées${where} : aucun relevé n'est ajouté.`,
      'file',
      'conflict',
    );
  }
  return [{ type: 'StatementImported', data: { statementId: command.statementId, ...header, file: command.file, lines, duplicates, outsideYear } }];
}

/**
 * The ImportStatement command of a bank's file as read (readStatementFile): the one way from a
 * file to the ledger, for the pages, the API and the demo. The date and balance the user gave win
 * over the file's; a file that states no date is dated by its last operation.
 */
export function importStatementCommand(
  statementId: string,
  parsed: ParsedStatement,
  file: Omit<StatementFile, 'format'>,
  given: { date?: string | null; closingBalance?: number | null } = {},
): Extract<LedgerCommand, { type: 'ImportStatement' }> {
  const lastLine = parsed.lines.reduce<string | null>((max, l) => (max === null || l.date > max ? l.date : max), null);
  return {
    type: 'ImportStatement',
    statementId,
    date: given.date ?? parsed.date ?? lastLine,
    closingBalance: given.closingBalance ?? parsed.closingBalance,
    file: { ...file, format: parsed.format },
    lines: parsed.lines.map(({ date, label, amount, chequeNo, reference }) => ({ date, label, amount, chequeNo, reference })),
  };
}

const statementNotFound = (): DomainError => new DomainError('STATEMENT_NOT_FOUND', "Ce relevé n'existe pas dans cet exercice.", undefined, 'not_found');

function statementOf(state: LedgerState, statementId: string): StatementState {
  const statement = valueAt(state.statements, statementId);
  if (!statement) throw statementNotFound();
  return statement;
}

function lineOf(statement: StatementState, lineId: string): StatementLine {
  const line = statement.lines.find((l) => l.lineId === lineId);
  if (!line) throw new DomainError('LINE_NOT_FOUND', "Cette ligne n'est pas sur ce relevé.", 'lineId', 'not_found');
  return line;
}

const bankAmount = (content: EntryContent): number => netOn(content.lines, BANK);

/** Reconciles entries on a line, or marks carried-over items seen: one event per entry. */
function reconcileOnLine(
  statementId: string,
  line: StatementLine,
  entryIds: readonly string[],
  state: LedgerState,
  env: LedgerEnv,
  taken: Set<string>,
): LedgerEvent[] {
  const carried = new Map(openingOf(env.earlierYears, state.opening).carriedOver.map((item) => [item.entryId, item]));
  const errors: DomainError[] = [];
  const events: LedgerEvent[] = [];
  let total = 0;
  if (!Array.isArray(entryIds) || entryIds.length === 0) {
    throw new DomainError('ENTRIES_REQUIRED', 'Choisissez au moins une écriture pour cette ligne du relevé.', 'entryIds');
  }
  for (const entryId of entryIds) {
    if (typeof entryId !== 'string' || taken.has(entryId)) {
      errors.push(new DomainError('ENTRY_ALREADY_RECONCILED', 'Une écriture ne se pointe que sur une ligne du relevé.', 'entryIds'));
      continue;
    }
    taken.add(entryId);
    const entry: EntryState | undefined = valueAt(state.entries, entryId);
    const item = carried.get(entryId);
    const common = { entryId, statementDate: line.date, statementId, lineId: line.lineId, clearedOn: line.date };
    if (entry && !entry.deleted) {
      if (!touches(entry.content, BANK)) {
        errors.push(new DomainError('NOT_A_BANK_ENTRY', `L'écriture ${entry.content.pj} n'est pas passée en banque (512).`, 'entryIds'));
        continue;
      }
      if (entry.reconciled) {
        errors.push(
          new DomainError('ENTRY_ALREADY_RECONCILED', `L'écriture ${entry.content.pj} est déjà pointée : dépointez-la d'abord.`, 'entryIds', 'conflict'),
        );
        continue;
      }
      if (entry.content.date > line.date) {
        errors.push(
          new DomainError(
            'STATEMENT_BEFORE_ENTRY',
            `La ligne du ${formatFrenchDate(line.date)} précède l'écriture ${entry.content.pj} du ${formatFrenchDate(entry.content.date)}.`,
            'entryIds',
          ),
        );
        continue;
      }
      const amount = bankAmount(entry.content);
      total += amount;
      events.push({ type: 'EntryReconciled', data: { ...common, amount } });
    } else if (item && !(entryId in state.carriedOverSeen)) {
      total += item.amount;
      events.push({ type: 'CarriedOverItemSeen', data: { ...common, amount: item.amount } });
    } else {
      errors.push(new DomainError('ENTRY_NOT_FOUND', "Cette écriture n'existe pas (ou a été supprimée).", 'entryIds', 'not_found'));
    }
  }
  reject(errors);
  if (total !== line.amount) {
    throw new DomainError(
      'AMOUNT_MISMATCH',
      `Le total des écritures choisies (${formatEuros(total)}) ne correspond pas au montant de la ligne du relevé (${formatEuros(line.amount)}).`,
      'entryIds',
    );
  }
  return events;
}

/** Confirms matches of statement lines with entries: a line already matched with the same entries is left as it is. */
export function matchStatementLines(statementId: string, matches: readonly LineMatch[], state: LedgerState, env: LedgerEnv): LedgerEvent[] {
  const statement = statementOf(state, statementId);
  if (!Array.isArray(matches)) throw new DomainError('MATCHES_INVALID', 'Indiquez les lignes et leurs écritures.', 'matches');
  const taken = new Set<string>();
  const events: LedgerEvent[] = [];
  for (const match of matches) {
    const line = lineOf(statement, match?.lineId);
    const current = state.lineMatches[line.lineId];
    if (current) {
      const same = Array.isArray(match.entryIds) && current.length === match.entryIds.length && match.entryIds.every((id: string) => current.includes(id));
      if (same) continue;
      throw new DomainError(
        'LINE_ALREADY_MATCHED',
        `La ligne « ${line.label} » du ${formatFrenchDate(line.date)} est déjà pointée : annulez son pointage d'abord.`,
        'lineId',
        'conflict',
      );
    }
    events.push(...reconcileOnLine(statementId, line, match.entryIds, state, env, taken));
  }
  return events;
}

/** Un-matches a line: its entries are un-reconciled, its carried-over items outstanding again. */
export function unmatchStatementLine(statementId: string, lineId: string, state: LedgerState): LedgerEvent[] {
  const line = lineOf(statementOf(state, statementId), lineId);
  return (state.lineMatches[line.lineId] ?? []).map((entryId): LedgerEvent => {
    const entry = valueAt(state.entries, entryId);
    if (entry) return { type: 'EntryUnreconciled', data: unreconciledData(entry) };
    return { type: 'CarriedOverItemUnseen', data: { entryId, amount: line.amount, clearedOn: line.date } };
  });
}

/** Lines of a statement matched with entries (or carried-over items). */
export const matchedLinesOf = (statement: { lines: readonly { lineId: string }[] }, lineMatches: Readonly<Record<string, readonly string[]>>): number =>
  statement.lines.filter((line) => (lineMatches[line.lineId]?.length ?? 0) > 0).length;

/**
 * Takes a statement back (the wrong file, the wrong month) until one of its lines is matched:
 * a matched line has told an entry it was on the bank, which must be undone first.
 */
export function deleteStatement(statementId: string, state: LedgerState): LedgerEvent[] {
  const statement = statementOf(state, statementId);
  const matched = matchedLinesOf(statement, state.lineMatches);
  if (matched > 0) {
    throw new DomainError(
      'STATEMENT_MATCHED',
      `Ce relevé ne peut plus être supprimé : ${matched === 1 ? '1 de ses lignes est pointée' : `${matched} de ses lignes sont pointées`}. Annulez d'abord leur pointage.`,
      'statementId',
      'conflict',
    );
  }
  return [{ type: 'StatementDeleted', data: { statementId } }];
}

/** Why an amendment un-reconciles an entry: its bank amount changed, or its date moved past the statement that showed it. */
export type Unreconciling = { reason: 'amount'; before: number; after: number } | { reason: 'date'; clearedOn: string };

/**
 * DOMAIN.md: a reconciled entry whose bank amount changes no longer matches the statement line
 * it was ticked against; one dated after the statement that showed it cannot have been on it.
 * null: the amendment leaves it as it is (or it was not reconciled).
 */
export function amendmentUnreconciles(
  was: { reconciled: boolean; clearedOn: string | null; statementDate: string | null; date: string; lines: readonly EntryLine[] },
  now: { date: string; lines: readonly EntryLine[] },
): Unreconciling | null {
  if (!was.reconciled) return null;
  const before = netOn(was.lines, BANK);
  const after = netOn(now.lines, BANK);
  if (before !== after) return { reason: 'amount', before, after };
  const clearedOn = was.clearedOn ?? was.statementDate;
  return clearedOn !== null && now.date > clearedOn ? { reason: 'date', clearedOn } : null;
}

/** The notice after saving an entry the amendment un-reconciled ("n'est plus pointée : …"). */
export function unreconciledNotice(pj: string, why: Unreconciling): string {
  const cause =
    why.reason === 'amount'
      ? `son montant en banque a changé (${formatEuros(why.before)} → ${formatEuros(why.after)})`
      : `sa date est maintenant après celle du relevé qui l'a montrée (${formatFrenchDate(why.clearedOn)})`;
  return `L'écriture n° ${pj} n'est plus pointée : ${cause}. Pointez-la à nouveau sur le relevé qui la montre.`;
}

/** What an un-reconciliation undoes, for the board. */
export const unreconciledData = (entry: EntryState) => ({
  entryId: entry.entryId,
  amount: bankAmount(entry.content),
  clearedOn: entry.clearedOn ?? entry.statementDate ?? entry.content.date,
});

/** A new entry made from a statement line ("Créer l'écriture"): reconciled on it in the same command. */
export function reconcileNewEntry(entryId: string, content: EntryContent, target: { statementId: string; lineId: string }, state: LedgerState): LedgerEvent {
  const line = lineOf(statementOf(state, target.statementId), target.lineId);
  if (state.lineMatches[line.lineId]) {
    throw new DomainError('LINE_ALREADY_MATCHED', `La ligne « ${line.label} » est déjà pointée.`, 'lineId', 'conflict');
  }
  const amount = bankAmount(content);
  if (amount !== line.amount) {
    throw new DomainError(
      'AMOUNT_MISMATCH',
      `Le montant en banque de l'écriture (${formatEuros(amount)}) ne correspond pas à la ligne du relevé (${formatEuros(line.amount)}).`,
      'lines',
    );
  }
  if (content.date > line.date) {
    throw new DomainError(
      'STATEMENT_BEFORE_ENTRY',
      `La ligne du ${formatFrenchDate(line.date)} précède l'écriture du ${formatFrenchDate(content.date)}.`,
      'date',
    );
  }
  return {
    type: 'EntryReconciled',
    data: { entryId, statementDate: line.date, statementId: target.statementId, lineId: line.lineId, amount, clearedOn: line.date },
  };
}
