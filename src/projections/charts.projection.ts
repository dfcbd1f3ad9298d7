import { evolveChart } from '../domain/chart-changes';
import { type Chart, defaultChart } from '../domain/chart';
import { asChartEvent } from '../events/coop-events';
import { parseStream } from '../events/streams';
import { type Projection } from './projection';
import { type Doc, type ReadStore } from './read-store';

/** Each department's chart for a year, only where it differs from the default chart. */
export const chartsProjection: Projection = {
  name: 'charts',
  // 2: the default chart's accounts carry the rules' roles (7410, 6586, 6168, 6800): documents folded before lack them.
  version: 2,
  collections: { charts: { indexes: ['department', 'year'] } },
  streamPrefixes: ['chart-'],
  keysOf: (event) => {
    const parsed = parseStream(event.stream);
    return parsed?.category === 'chart' ? [{ collection: 'charts', id: `${parsed.department}:${parsed.year}` }] : [];
  },
  evolve: (doc, recorded) => {
    const parsed = parseStream(recorded.stream);
    if (parsed?.category !== 'chart') return doc;
    const current = (doc as (Chart & { revision: number }) | null) ?? { ...defaultChart(parsed.department, parsed.year), revision: -1 };
    if (current.revision >= recorded.revision) return doc;
    const chart = evolveChart(current, asChartEvent(recorded));
    return { ...chart, revision: recorded.revision } as unknown as Doc;
  },
};

/** The chart in force for a department and year: the default one unless the department changed it. */
export async function chartFor(readStore: Pick<ReadStore, 'get'>, department: string, year: number): Promise<Chart> {
  const doc = await readStore.get<Doc>('charts', `${department}:${year}`);
  if (!doc) return defaultChart(department, year);
  const { revision: _revision, ...chart } = doc;
  return chart as unknown as Chart;
}
