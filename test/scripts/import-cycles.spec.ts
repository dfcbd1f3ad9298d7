import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCycles, sourceFiles } from '../../scripts/import-cycles';

/** `npm run lint` runs scripts/import-cycles.ts: a cycle of imports in src fails it. */
describe('import cycle check', () => {
  let dir: string;
  const write = (files: Record<string, string>): string[] =>
    Object.entries(files).map(([name, text]) => {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
      return path;
    });

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cycles-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a cycle through three modules, a type-only import and an index included', () => {
    const files = write({
      'a.ts': "import { b } from './b';\nexport const a = b;",
      'b.ts': "import { type C } from './c';\nexport const b: C = 1;",
      'c/index.ts': "export { a as C0 } from '../a';\nexport type C = number;",
      'd.ts': "import { a } from './a';\nexport const d = a;",
    });
    const cycles = importCycles(files);
    expect(cycles).toHaveLength(1);
    expect(cycles[0].map((f) => f.slice(dir.length + 1))).toEqual(['a.ts', 'b.ts', 'c/index.ts']);
  });

  it('finds none in a tree whose types sit at the bottom', () => {
    const files = write({
      'types.ts': 'export type T = number;',
      'state.ts': "import { type T } from './types';\nexport const s: T = 1;",
      'decide.ts': "import { type T } from './types';\nimport { s } from './state';\nexport const d: T = s;",
    });
    expect(importCycles(files)).toEqual([]);
  });

  it('finds none in src today', () => {
    expect(importCycles(sourceFiles(join(__dirname, '../../src')))).toEqual([]);
  });
});
