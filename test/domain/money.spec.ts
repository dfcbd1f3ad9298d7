import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { centsToEuros, formatAmount, formatEuros, formatFieldAmount, parseEuros, plainAmount } from '../../src/domain/money';

/** Money is integer cents; src/domain/money.ts holds every way it is written, read and handed to a spreadsheet. */
describe('money written and read', () => {
  const cents = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

  it('is written the French way on pages: "1 234,56 €", thousands apart by a narrow no-break space, the euro after a no-break space', () => {
    expect(formatEuros(123456)).toBe('1\u202f234,56\u00a0€');
    expect(formatEuros(-100000005)).toBe('-1\u202f000\u202f000,05\u00a0€');
    expect(formatEuros(5)).toBe('0,05\u00a0€');
    expect(formatAmount(0)).toBe('0,00');
  });

  it('given back in a form’s field with ordinary spaces, and in files with none, it reads back to the same cents', () => {
    expect(formatFieldAmount(123456)).toBe('1 234,56');
    expect(plainAmount(-123456)).toBe('-1234,56');
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999_99, max: 99_999_999_999_99 }), (n) => {
        expect(parseEuros(formatFieldAmount(n))).toBe(n);
        expect(parseEuros(formatEuros(n))).toBe(n);
        expect(parseEuros(plainAmount(n))).toBe(n);
      }),
    );
  });

  it('goes to a spreadsheet’s cell as the number its decimal writing says, and only from integer cents', () => {
    fc.assert(fc.property(cents, (n) => expect(centsToEuros(n)).toBe(Number(plainAmount(n).replace(',', '.')))));
    expect(centsToEuros(123456)).toBe(1234.56);
    expect(centsToEuros(-1)).toBe(-0.01);
    for (const wrong of [12.5, Number.NaN, 2 ** 53]) expect(() => centsToEuros(wrong)).toThrow(RangeError);
  });

  it('is turned into euros in one module: nothing else in src divides an amount by 100', () => {
    const root = join(__dirname, '../..');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const found = files(join(root, 'src'))
      .map((file) => relative(root, file))
      .filter((file) => /\/ ?100\b(?!0)/.test(readFileSync(join(root, file), 'utf8')));
    expect(found).toEqual(['src/domain/money.ts']);
  });
});
