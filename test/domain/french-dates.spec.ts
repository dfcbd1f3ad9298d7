import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { parseFrenchDate } from '../../src/domain/fiscal-year';
import { parseBankDate } from '../../src/domain/statements';
import { blankForm, headerFields } from '../../src/reads/notebook-models';

/** One reading of a French date: the forms, the pages' date pickers and the bank files agree. */
describe('French dates', () => {
  it('read as people type them: jj/mm/aaaa, one-digit days and months, dots or dashes, ISO; a day that does not exist is no date', () => {
    expect(parseFrenchDate('25/04/2025')).toBe('2025-04-25');
    expect(parseFrenchDate(' 5/4/2025 ')).toBe('2025-04-05');
    expect(parseFrenchDate('25.04.2025')).toBe('2025-04-25');
    expect(parseFrenchDate('25-04-2025')).toBe('2025-04-25');
    expect(parseFrenchDate('2025-04-25')).toBe('2025-04-25');
    expect(parseFrenchDate('29/02/2024')).toBe('2024-02-29');
    for (const no of ['31/02/2025', '29/02/2025', '25/13/2025', '25/04/25', '25/04/2025 10:00', 'demain', '', null]) expect(parseFrenchDate(no)).toBeNull();
  });

  it('a bank file’s date with a four-digit year reads as the forms read it', () => {
    const part = (max: number) => fc.integer({ min: 0, max }).map(String);
    fc.assert(
      fc.property(part(35), part(14), fc.integer({ min: 1890, max: 2210 }), fc.constantFrom('/', '.', '-'), (day, month, year, sep) => {
        const text = `${day}${sep}${month}${sep}${year}`;
        expect(parseBankDate(text, 'dd/mm/yyyy')).toBe(parseFrenchDate(text));
      }),
    );
  });

  it('a date typed on a form comes back in its date picker as a date when it is one, else as typed (31/02 came back as "2025-02-31")', () => {
    const shown = (date: string) => headerFields(blankForm({ date })).date.value;
    expect(shown('5/4/2025')).toBe('2025-04-05');
    expect(shown('25.04.2025')).toBe('2025-04-25');
    expect(shown('31/02/2025')).toBe('31/02/2025');
    expect(shown('hier')).toBe('hier');
  });

  it('is written once: no other module of src holds a regular expression for a day and month before a slash', () => {
    const HOMES = ['src/domain/fiscal-year.ts', 'src/domain/statements/text.ts'];
    const DAY_THEN_SLASH = /\\d\{(1,2|2)\}\)?(\\\/|\[[^\]]*\/[^\]]*\])/;
    const root = join(__dirname, '../..');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const found = files(join(root, 'src'))
      .map((file) => relative(root, file))
      .filter((file) => DAY_THEN_SLASH.test(readFileSync(join(root, file), 'utf8')));
    expect(found.sort()).toEqual(HOMES);
  });
});
