/**
 * The net amount on an account, one rule for the decider, the projections and the views: debit −
 * credit, of a line or of an account's movements (absent: 0), and of the lines on one account.
 */
export const net = (amounts: { debit?: number; credit?: number } | undefined): number => (amounts?.debit ?? 0) - (amounts?.credit ?? 0);

export const netOn = (lines: ReadonlyArray<{ account: string; debit?: number; credit?: number }>, account: string): number =>
  lines.reduce((sum, line) => (line.account === account ? sum + net(line) : sum), 0);
