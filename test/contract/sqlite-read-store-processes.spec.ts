import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Two processes open one read.sqlite at once (two `history:verify`, or the CLI beside the
 * server) and each declares the same collections. A write transaction that began by reading
 * meets SQLITE_BUSY_SNAPSHOT when the other committed meanwhile, and no busy timeout retries
 * that: every write transaction must take the write lock first.
 */
jest.setTimeout(120_000);

const ROUNDS = 40;
const OPENER = `
const { SqliteReadStore } = require('./src/projections/sqlite-read-store');
(async () => {
  for (let i = 0; i < ${ROUNDS}; i++) {
    const store = new SqliteReadStore(process.argv[1]);
    for (const name of ['notebooks', 'notebook_entries', 'coops', 'year_facts']) {
      await store.declareCollection(name, { indexes: ['coopId', 'year'] });
    }
    await store.close();
  }
})().catch((error) => { console.error(error.code ?? '', error.message); process.exit(2); });
`;

function opener(file: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', OPENER, file], {
    cwd: join(__dirname, '../..'),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.once('close', (code) => done({ code, stderr })));
}

describe('SqliteReadStore: several processes on one file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'read-store-processes-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('three processes opening and declaring the same collections at once all succeed', async () => {
    const file = join(dir, 'read.sqlite');
    const outcomes = await Promise.all([opener(file), opener(file), opener(file)]);
    expect(outcomes).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
  });
});
