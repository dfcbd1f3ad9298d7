import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { net, netOn } from '../../src/domain/net-amount';

/** The net amount on an account is debit − credit, one rule for the decider, the projections, the views and the files. */
describe('the net amount on an account', () => {
  it('is debit − credit of a line or of an account’s movements, 0 for an account never moved', () => {
    expect(net({ debit: 12000 })).toBe(12000);
    expect(net({ credit: 500 })).toBe(-500);
    expect(net({ debit: 700, credit: 200 })).toBe(500);
    expect(net(undefined)).toBe(0);
  });

  it('of an entry on one account sums its lines on that account only', () => {
    const lines = [
      { account: '512', debit: 3000 },
      { account: '512', credit: 1000 },
      { account: '7070', credit: 2000 },
    ];
    expect(netOn(lines, '512')).toBe(2000);
    expect(netOn(lines, '7070')).toBe(-2000);
    expect(netOn(lines, '530')).toBe(0);
  });

  it('is computed in one module: no other module of src subtracts a credit from a debit or a debit from a credit', () => {
    const root = join(__dirname, '../..');
    const SUBTRACTION = /debit(Of\(\w+\))?\)?( \?\? 0\)?)? ?- ?\(?[a-zA-Z.?]*credit|credit(Of\(\w+\))?\)?( \?\? 0\)?)? ?- ?\(?[a-zA-Z.?]*debit/;
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const found = files(join(root, 'src'))
      .map((file) => relative(root, file))
      .filter((file) => SUBTRACTION.test(readFileSync(join(root, file), 'utf8')));
    expect(found).toEqual(['src/domain/net-amount.ts']);
  });
});
