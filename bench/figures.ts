import { cpus, platform, release, totalmem } from 'node:os';

/** One measured figure next to its limit or target, as printed and as written to results.json. */
export interface Figure {
  key: string;
  value: number | null;
  unit: string;
  /** 'min': at least the target; 'max': at most. */
  target?: { kind: 'min' | 'max'; value: number };
  note?: string;
}

export function machine(): Record<string, unknown> {
  const list = cpus();
  return {
    os: `${platform()} ${release()}`,
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

const round = (value: number): number => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100);

export function verdict(figure: Figure): string {
  if (!figure.target) return '';
  if (figure.value === null) return 'n/a';
  const ok = figure.target.kind === 'min' ? figure.value >= figure.target.value : figure.value <= figure.target.value;
  return ok ? 'ok' : 'MISSED';
}

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.key,
    f.value === null ? '—' : `${round(f.value)} ${f.unit}`.trim(),
    f.target ? `${f.target.kind === 'min' ? '≥' : '≤'} ${f.target.value}` : '',
    verdict(f),
    f.note ?? '',
  ]);
  const header = ['figure', 'value', 'target', '', 'measured side by side / note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

export function markdownTable(figures: Figure[]): string {
  const lines = ['| figure | value | target | |', '| --- | ---: | ---: | --- |'];
  for (const f of figures) {
    lines.push(
      `| \`${f.key}\` | ${f.value === null ? '—' : `${round(f.value)} ${f.unit}`.trim()} | ${f.target ? `${f.target.kind === 'min' ? '≥' : '≤'} ${f.target.value}` : ''} | ${verdict(f)} |`,
    );
  }
  return lines.join('\n');
}

export function resultsJson(mode: string, figures: Figure[], extra: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const f of figures) flat[f.key] = f.value === null ? null : round(f.value);
  return {
    mode,
    ranAt: new Date().toISOString(),
    machine: machine(),
    ...flat,
    targets: Object.fromEntries(figures.filter((f) => f.target).map((f) => [f.key, `${f.target!.kind === 'min' ? '>=' : '<='} ${f.target!.value}`])),
    notes: Object.fromEntries(figures.filter((f) => f.note).map((f) => [f.key, f.note])),
    ...extra,
  };
}
