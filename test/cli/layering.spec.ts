import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The layering rule (#24 point 13): nothing below src/http imports it; the CLI keeps its files through src/blobs. */
describe('src/cli imports nothing of src/http', () => {
  const dir = join(__dirname, '../../src/cli');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s', (file) => {
    expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/from '\.\.\/http\//);
  });
});
