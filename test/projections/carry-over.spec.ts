import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { notebookProjection } from '../../src/projections/ledger/notebook.projection';
import { yearFactsProjection } from '../../src/projections/year-facts.projection';
import { loadConfig } from '../../src/config';
import { upcast } from '../../src/events/upcasters';
import { ALL_PROJECTIONS } from '../../src/projections';
import { rebuildAlongside } from '../../src/projections/rebuild-alongside';
import { closeStores, openStores } from '../../src/stores';
import { startTestApp, type TestApp } from '../support/app';
import { yearFigures } from './support/year-figures';

/**
 * A data folder written before the notebook's view read the year's facts from year_facts
 * (notebooks v5, year_facts v1: the demo and issue 22's coop with three open years, made at
 * e60e334 by startTestApp({ demo: true }) and support/year-figures.ts's addThreeOpenYears; its
 * figures read then through the API in figures.json). Started with today's versions, the
 * projector rebuilds both from the log and every figure is the same.
 */
const FIXTURE = join(__dirname, 'fixtures', 'before-notebook-v6');

/** What the figures say, without sentences (messages, labels): those may be reworded, the figures may not. */
function figuresOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(figuresOnly);
  if (value === null || typeof value !== 'object') return value;
  const kept = Object.entries(value).filter(([key]) => !['message', 'label', 'name', 'text'].includes(key) && !key.endsWith('Label'));
  return Object.fromEntries(kept.map(([key, v]) => [key, figuresOnly(v)]));
}

/** `after` cut to the fields `before` had: a field added to an answer since the fixture was made is not a change of figure. */
function fieldsOf(after: unknown, before: unknown): unknown {
  if (Array.isArray(after) && Array.isArray(before)) return after.map((v, i) => fieldsOf(v, before[i]));
  if (after === null || before === null || typeof after !== 'object' || typeof before !== 'object' || Array.isArray(before)) return after;
  const given = after as Record<string, unknown>;
  return Object.fromEntries(Object.keys(before).map((key) => [key, fieldsOf(given[key], (before as Record<string, unknown>)[key])]));
}

const versionsIn = (dataDir: string): Record<string, number> => {
  const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, body FROM doc_projection_versions').all() as Array<{ id: string; body: string }>;
    return Object.fromEntries(rows.map((r) => [r.id, (JSON.parse(r.body) as { version: number }).version]));
  } finally {
    db.close();
  }
};

/** A copy of the fixture's data folder. */
function oldDataFolder(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'cahier-carry-over-'));
  for (const file of ['events', 'read', 'accounts', 'messages']) {
    writeFileSync(join(dataDir, `${file}.sqlite`), gunzipSync(readFileSync(join(FIXTURE, `${file}.sqlite.gz`))));
  }
  return dataDir;
}

/** The figures the app shows now are the fixture's, field by field. */
async function expectSameFigures(t: TestApp): Promise<void> {
  const before = JSON.parse(readFileSync(join(FIXTURE, 'figures.json'), 'utf8')) as Record<string, unknown>;
  const after = await yearFigures(t);
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const key of Object.keys(before)) expect([key, figuresOnly(fieldsOf(after[key], before[key]))]).toEqual([key, figuresOnly(before[key])]);
}

describe('a data folder of the previous projection versions carries over', () => {
  let dataDir: string;
  let t: TestApp | null = null;

  beforeAll(() => {
    dataDir = oldDataFolder();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('was written by the previous versions of the notebook and the year facts', () => {
    expect(versionsIn(dataDir)).toMatchObject({ notebooks: 5, year_facts: 1 });
    expect(notebookProjection.version).toBeGreaterThan(5);
    expect(yearFactsProjection.version).toBeGreaterThan(1);
  });

  it('starts with the same figures on the notebooks, the board, the CRFs, the checklists and the trial balances', async () => {
    t = await startTestApp({ dataDir });
    expect(versionsIn(dataDir)).toMatchObject({ notebooks: notebookProjection.version, year_facts: yearFactsProjection.version });
    await expectSameFigures(t);
  });
});

describe('projections:rebuild on a data folder of the previous versions', () => {
  let dataDir: string;
  let t: TestApp | null = null;

  beforeAll(() => {
    dataDir = oldDataFolder();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds alongside and switches in today’s versions: the server then starts with nothing to rebuild and the same figures', async () => {
    // As the CLI does it (src/cli/main.ts).
    const stores = await openStores(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'test-secret' } as NodeJS.ProcessEnv));
    try {
      await rebuildAlongside(stores.eventStore, stores.readStore, ALL_PROJECTIONS, { upcast, logger: { log: () => undefined, error: () => undefined } });
    } finally {
      await closeStores(stores);
    }
    expect(versionsIn(dataDir)).toMatchObject({ notebooks: notebookProjection.version, year_facts: yearFactsProjection.version });
    t = await startTestApp({ dataDir });
    await expectSameFigures(t);
  });
});
