import { normalChequeNo } from './text';

/** A statement line waiting for its entry. */
export interface LineToMatch {
  lineId: string;
  date: string;
  label: string;
  amount: number;
  chequeNo: string | null;
}

/** An unreconciled bank item: an entry of the year touching 512, or a carried-over item of last year. */
export interface MatchCandidate {
  entryId: string;
  date: string;
  label: string;
  /** Signed amount on 512: + receipt, − expense. */
  amount: number;
  chequeNo: string | null;
}

export interface Proposal {
  lineId: string;
  entryIds: string[];
}

/** Cheques clear late: an entry at most this many days before its line. */
export const MATCH_WINDOW_DAYS = 60;

const DAY = 86_400_000;
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/** Words that say nothing of who paid: bank jargon and filler. */
const NOISE = new Set([
  'CB',
  'CARTE',
  'PRLV',
  'PRELEVEMENT',
  'SEPA',
  'VIR',
  'VIREMENT',
  'RECU',
  'EMIS',
  'CHEQUE',
  'CHQ',
  'REMISE',
  'FACTURE',
  'FACT',
  'DES',
  'DU',
  'DE',
  'LA',
  'LE',
  'LES',
  'POUR',
  'AVEC',
  'ET',
]);

function words(label: string): Set<string> {
  return new Set(
    label
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter((w) => w.length >= 3 && !NOISE.has(w) && !/^\d+$/.test(w)),
  );
}

/** Share of words two labels have in common (Dice), 0…1. */
export function labelLikeness(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return (2 * common) / (wa.size + wb.size);
}

/** Whether an entry may be a line's: DOMAIN.md's rules (amount, cheque number, date window). */
export function mayMatch(line: LineToMatch, candidate: MatchCandidate): boolean {
  if (line.amount !== candidate.amount) return false;
  const a = normalChequeNo(line.chequeNo);
  const b = normalChequeNo(candidate.chequeNo);
  if (a !== null && b !== null && a !== b) return false;
  const days = daysBetween(candidate.date, line.date);
  return days >= 0 && days <= MATCH_WINDOW_DAYS;
}

/**
 * For each line, the entry it is most likely to be: equal amount, equal cheque number when both
 * have one, the entry dated on or before the line and at most 60 days earlier; among several,
 * the equal cheque number, then the closest label, then the closest date. One entry goes to one
 * line at most, the best pairs first. Pure and independent of the order of its inputs, so the
 * same lines and entries always give the same proposals. Lines without a candidate are left out.
 */
export function proposeMatches(lines: readonly LineToMatch[], candidates: readonly MatchCandidate[]): Proposal[] {
  const byAmount = new Map<number, MatchCandidate[]>();
  for (const c of candidates) {
    const list = byAmount.get(c.amount);
    if (list) list.push(c);
    else byAmount.set(c.amount, [c]);
  }
  const pairs: Array<{ line: LineToMatch; entryId: string; cheque: number; likeness: number; days: number }> = [];
  for (const line of lines) {
    for (const candidate of byAmount.get(line.amount) ?? []) {
      if (!mayMatch(line, candidate)) continue;
      const a = normalChequeNo(line.chequeNo);
      pairs.push({
        line,
        entryId: candidate.entryId,
        cheque: a !== null && a === normalChequeNo(candidate.chequeNo) ? 1 : 0,
        likeness: labelLikeness(line.label, candidate.label),
        days: daysBetween(candidate.date, line.date),
      });
    }
  }
  pairs.sort(
    (x, y) =>
      y.cheque - x.cheque ||
      y.likeness - x.likeness ||
      x.days - y.days ||
      (x.line.lineId < y.line.lineId ? -1 : x.line.lineId > y.line.lineId ? 1 : 0) ||
      (x.entryId < y.entryId ? -1 : x.entryId > y.entryId ? 1 : 0),
  );
  const lineTaken = new Set<string>();
  const entryTaken = new Set<string>();
  const proposals: Proposal[] = [];
  for (const pair of pairs) {
    if (lineTaken.has(pair.line.lineId) || entryTaken.has(pair.entryId)) continue;
    lineTaken.add(pair.line.lineId);
    entryTaken.add(pair.entryId);
    proposals.push({ lineId: pair.line.lineId, entryIds: [pair.entryId] });
  }
  return proposals.sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0));
}

/** At most this many entries are offered for one line; a search finds any other. */
export const CANDIDATES_PER_LINE = 8;

const shiftDays = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * For each line, the few entries it most likely is (at most `limit`): of its sign, dated on or
 * before it within the window; those that may match it first (mayMatch), then the closest amount
 * (a line paying several entries), the closest label, the closest date. Each line looks only at
 * the entries of its window, so a long statement on a big year stays cheap.
 */
export function lineCandidates(
  lines: readonly LineToMatch[],
  candidates: readonly MatchCandidate[],
  limit: number = CANDIDATES_PER_LINE,
): Map<string, MatchCandidate[]> {
  const byDate = [...candidates].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const firstOnOrAfter = (date: string): number => {
    let lo = 0;
    let hi = byDate.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byDate[mid].date < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const epochDays = byDate.map((c) => Date.parse(`${c.date}T00:00:00Z`) / DAY);
  const wordsOf: Array<Set<string> | undefined> = [];
  const likeness = (line: Set<string>, i: number): number => {
    const theirs = (wordsOf[i] ??= words(byDate[i].label));
    if (line.size === 0 || theirs.size === 0) return 0;
    let common = 0;
    for (const w of line) if (theirs.has(w)) common++;
    return (2 * common) / (line.size + theirs.size);
  };
  type Key = [number, number, number, number];
  const compare = (a: Key, b: Key): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
  const result = new Map<string, MatchCandidate[]>();
  for (const line of lines) {
    const mine = words(line.label);
    const lineDay = Date.parse(`${line.date}T00:00:00Z`) / DAY;
    const cheque = normalChequeNo(line.chequeNo);
    const ranked: Array<{ c: MatchCandidate; key: Key }> = [];
    const end = firstOnOrAfter(shiftDays(line.date, 1));
    for (let i = firstOnOrAfter(shiftDays(line.date, -MATCH_WINDOW_DAYS)); i < end; i++) {
      const c = byDate[i];
      if (Math.sign(c.amount) !== Math.sign(line.amount)) continue;
      // In the window by construction: it may match when the amount is equal and no cheque number differs.
      const theirCheque = c.amount === line.amount ? normalChequeNo(c.chequeNo) : null;
      const may = c.amount === line.amount && (cheque === null || theirCheque === null || cheque === theirCheque) ? 0 : 1;
      const diff = Math.abs(c.amount - line.amount);
      const worst = ranked.length === limit ? ranked[limit - 1].key : null;
      if (worst && (may - worst[0] || diff - worst[1]) > 0) continue;
      const key: Key = [may, diff, -likeness(mine, i), lineDay - epochDays[i]];
      if (worst && compare(key, worst) >= 0) continue;
      let at = ranked.length;
      while (at > 0 && compare(ranked[at - 1].key, key) > 0) at--;
      ranked.splice(at, 0, { c, key });
      if (ranked.length > limit) ranked.pop();
    }
    result.set(
      line.lineId,
      ranked.map((r) => r.c),
    );
  }
  return result;
}

/**
 * The entries a person looks for by a word of their label or their amount ("45,90"), at most
 * `limit`, the most recent first: choosing another entry than the ones offered.
 */
export function searchCandidates(candidates: readonly MatchCandidate[], query: string, amount: number | null, limit = 20): MatchCandidate[] {
  const wanted = simplified(query);
  if (wanted === '' && amount === null) return [];
  return candidates
    .filter((c) => (amount !== null && Math.abs(c.amount) === Math.abs(amount)) || (wanted !== '' && simplified(c.label).includes(wanted)))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, limit);
}

const simplified = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
