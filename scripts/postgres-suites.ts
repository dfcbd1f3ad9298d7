/**
 * CI's count of the PostgreSQL suites (`.ci/run`): from jest's --json results, the tests of every
 * suite written with describePostgres, how many ran and passed; exits 1 when one was skipped or
 * none ran, so a CI run that silently skipped PostgreSQL is red.
 *   node -r ts-node/register/transpile-only scripts/postgres-suites.ts <jest-results.json>
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

interface JestResults {
  testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string }> }>;
}

const ROOT = resolve(__dirname, '..');

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return specFiles(path);
    return name.endsWith('.spec.ts') ? [path] : [];
  });
}

const file = process.argv[2];
if (!file) throw new Error('usage: postgres-suites.ts <jest-results.json>');
const results = JSON.parse(readFileSync(file, 'utf8')) as JestResults;
const suites = specFiles(join(ROOT, 'test')).filter((path) => readFileSync(path, 'utf8').includes('describePostgres('));
let ran = 0;
let failed = false;
for (const suite of suites) {
  const name = relative(ROOT, suite);
  const result = results.testResults.find((r) => resolve(r.name) === suite);
  const counts = new Map<string, number>();
  for (const test of result?.assertionResults ?? []) counts.set(test.status, (counts.get(test.status) ?? 0) + 1);
  const passed = counts.get('passed') ?? 0;
  const skipped = (counts.get('pending') ?? 0) + (counts.get('skipped') ?? 0) + (counts.get('todo') ?? 0);
  ran += passed + (counts.get('failed') ?? 0);
  if (!result || skipped > 0 || passed === 0) failed = true;
  console.log(`  ${name}: ${result ? `${passed} passed, ${counts.get('failed') ?? 0} failed, ${skipped} skipped` : 'not run'}`);
}
console.log(`PostgreSQL : ${ran} tests run in ${suites.length} suites${failed ? ' — SOME SKIPPED OR NOT RUN' : ''}`);
process.exit(failed ? 1 : 0);
