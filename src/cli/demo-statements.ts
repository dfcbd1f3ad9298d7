import iconv from 'iconv-lite';
import { formatFrenchDate, yearEnd } from '../domain/fiscal-year';
import { formatFieldAmount } from '../domain/money';
import { type MatchCandidate } from '../domain/statements';

/** A bank (512) movement the demo recorded: what the bank's statement shows of it. */
export type DemoBankMovement = MatchCandidate;

/** One month's statement as the bank exports it. */
export interface DemoStatementFile {
  /** YYYY-MM */
  month: string;
  fileName: string;
  bytes: Buffer;
}

const DAY = 86_400_000;
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const lastDayOf = (month: string): string => addDays(`${nextMonth(month)}-01`, -1);
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** "1 234,56", as French banks print amounts (the column says debit or credit). */
const bankAmount = (cents: number): string => formatFieldAmount(Math.abs(cents));

/** The bank's own wording: its cheque number, else the payer or payee in capitals. */
function bankLabel(movement: DemoBankMovement): string {
  if (movement.chequeNo) return `CHEQUE N° ${movement.chequeNo}`;
  const who = movement.label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${movement.amount > 0 ? 'REMISE' : 'PRLV'} ${who}`.slice(0, 40);
}

/** When the bank books a movement: a cheque paid out once its payee has cashed it, a deposit or a transfer the next day. */
const bankDateOf = (movement: DemoBankMovement): string => addDays(movement.date, movement.chequeNo && movement.amount < 0 ? 8 : 1);

/**
 * The year's statements, one a month from September through `lastMonth`, as a French bank's CSV
 * export (Windows-1252, `;`, account lines above the table, Débit / Crédit columns, the final
 * balance line): what the demo imports through the same command path as the Relevés page.
 */
export function monthlyStatementFiles(args: {
  year: number;
  coopName: string;
  accountNo: string;
  openingBank: number;
  movements: readonly DemoBankMovement[];
  lastMonth: string;
}): DemoStatementFile[] {
  const booked = args.movements.map((m) => ({ ...m, on: bankDateOf(m) })).sort((a, b) => a.on.localeCompare(b.on));
  const files: DemoStatementFile[] = [];
  let balance = args.openingBank;
  for (let month = `${args.year}-09`; month <= args.lastMonth && month <= yearEnd(args.year).slice(0, 7); month = nextMonth(month)) {
    const end = lastDayOf(month);
    const rows = booked.filter((m) => m.on.slice(0, 7) === month);
    balance += rows.reduce((sum, m) => sum + m.amount, 0);
    const text = [
      'Relevé de compte courant;;;',
      `${args.coopName} - OCCE;;;`,
      `Compte n° ${args.accountNo};;;`,
      `Période du ${formatFrenchDate(`${month}-01`)} au ${formatFrenchDate(end)};;;`,
      ';;;',
      'Date;Libellé;Débit;Crédit',
      ...rows.map((m) => `${formatFrenchDate(m.on)};${bankLabel(m)};${m.amount < 0 ? bankAmount(m.amount) : ''};${m.amount > 0 ? bankAmount(m.amount) : ''}`),
      `Solde ${balance < 0 ? 'débiteur' : 'créditeur'} au ${formatFrenchDate(end)};;;${bankAmount(balance)}`,
      '',
    ].join('\r\n');
    files.push({ month, fileName: `releve-${month}.csv`, bytes: iconv.encode(text, 'windows-1252') });
  }
  return files;
}
