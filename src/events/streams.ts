/**
 * Stream names. Coop ids and departments never contain '-', so names split unambiguously.
 *  - ledger-<coopId>-<year>: one fiscal year of one coop ("closing the books": short streams)
 *  - coop-<coopId>: the coop's identity, kept by its department
 *  - chart-<department>-<year>: the department's changes to the default chart for a year
 *  - department-<department>: the departmental association's own identity (name, SIREN, address)
 *    and its membership rates and deadlines
 *  - membership-<coopId>-<year>: one coop's membership (adhésion) of its association for a year
 */
export const CATEGORIES = ['ledger', 'coop', 'chart', 'department', 'membership'] as const;
export const STREAM_PREFIXES = CATEGORIES.map((c) => `${c}-`);

export const ID_PATTERN = /^[A-Za-z0-9_]{1,40}$/;

export const ledgerStream = (coopId: string, year: number): string => `ledger-${coopId}-${year}`;
export const coopStream = (coopId: string): string => `coop-${coopId}`;
export const chartStream = (department: string, year: number): string => `chart-${department}-${year}`;
export const departmentStream = (department: string): string => `department-${department}`;
export const membershipStream = (coopId: string, year: number): string => `membership-${coopId}-${year}`;

export type ParsedStream =
  | { category: 'ledger'; coopId: string; year: number }
  | { category: 'coop'; coopId: string }
  | { category: 'chart'; department: string; year: number }
  | { category: 'department'; department: string }
  | { category: 'membership'; coopId: string; year: number };

/** Every reducer parses the stream of every event it sees: the names repeat, the parse is kept. */
const parsed = new Map<string, ParsedStream | null>();
const PARSED_KEPT = 4096;

export function parseStream(stream: string): ParsedStream | null {
  let known = parsed.get(stream);
  if (known === undefined) {
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    known = parseStreamName(stream);
    // Frozen: callers share it.
    if (known) Object.freeze(known);
    parsed.set(stream, known);
  }
  return known;
}

function parseStreamName(stream: string): ParsedStream | null {
  const parts = stream.split('-');
  if (parts[0] === 'ledger' && parts.length === 3) return { category: 'ledger', coopId: parts[1], year: Number(parts[2]) };
  if (parts[0] === 'coop' && parts.length === 2) return { category: 'coop', coopId: parts[1] };
  if (parts[0] === 'chart' && parts.length === 3) return { category: 'chart', department: parts[1], year: Number(parts[2]) };
  if (parts[0] === 'department' && parts.length === 2) return { category: 'department', department: parts[1] };
  if (parts[0] === 'membership' && parts.length === 3) return { category: 'membership', coopId: parts[1], year: Number(parts[2]) };
  return null;
}
