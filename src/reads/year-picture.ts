import { type Cents, formatAmount, formatEuros, isCents } from '../domain/money';
import { isInYear } from '../domain/fiscal-year';

/** One month of the picture: flows of the month and treasury balances at its end, in cents. */
export interface MonthFigures {
  /** 'YYYY-MM' */
  month: string;
  receipts: Cents;
  expenses: Cents;
  bank: Cents;
  cash: Cents;
  /** A month not begun yet (after `until`): no balance is drawn for it, the bank is not known there. */
  future?: boolean;
}

/** A line of the notebook grid, as far as the picture is concerned. */
export interface TreasuryRow {
  date: string;
  bankIn: Cents;
  bankOut: Cents;
  cashIn: Cents;
  cashOut: Cents;
}

export interface YearPictureOptions {
  /** Accessible name; the default names the year shown. */
  title?: string;
  /** Prefix of the ids of <title> and <desc>, unique when a page shows several pictures. */
  idPrefix?: string;
}

const SHORT_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
const LONG_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/**
 * The twelve months of fiscal year `year` (September → August): receipts and expenses of each
 * month, bank and cash balances at its end. A transfer between bank and cash (a cash deposit, a
 * withdrawal) is neither a receipt nor an expense of the cooperative, so the part of a row that
 * goes in on one side and out on the other is left out of both. Rows outside the year are ignored.
 */
export function monthlySeries(year: number, rows: TreasuryRow[], opening: { bank: Cents; cash: Cents }, until?: string): MonthFigures[] {
  const flows = new Map<string, { receipts: Cents; expenses: Cents; bank: Cents; cash: Cents }>();
  for (const row of rows) {
    if (!isInYear(row.date, year)) continue;
    const key = row.date.slice(0, 7);
    const month = flows.get(key) ?? { receipts: 0, expenses: 0, bank: 0, cash: 0 };
    const transfer = Math.min(row.bankIn, row.cashOut) + Math.min(row.cashIn, row.bankOut);
    month.receipts += row.bankIn + row.cashIn - transfer;
    month.expenses += row.bankOut + row.cashOut - transfer;
    month.bank += row.bankIn - row.bankOut;
    month.cash += row.cashIn - row.cashOut;
    flows.set(key, month);
  }
  let bank = opening.bank;
  let cash = opening.cash;
  return Array.from({ length: 12 }, (_, i) => {
    const calendarYear = i < 4 ? year : year + 1;
    const month = `${calendarYear}-${String(((i + 8) % 12) + 1).padStart(2, '0')}`;
    const flow = flows.get(month) ?? { receipts: 0, expenses: 0, bank: 0, cash: 0 };
    bank += flow.bank;
    cash += flow.cash;
    return {
      month,
      receipts: flow.receipts,
      expenses: flow.expenses,
      bank,
      cash,
      ...(until !== undefined && month > until.slice(0, 7) && !flows.has(month) ? { future: true } : {}),
    };
  });
}

// Geometry of the viewBox; the page's CSS scales the whole picture.
const WIDTH = 720;
const HEIGHT = 340;
const PLOT = { left: 88, right: WIDTH - 16, top: 48, bottom: HEIGHT - 36 };

// Each colour has at least 4.5:1 contrast on white; the two lines also differ by dash and marker.
const COLOURS = { receipts: '#2e7d32', expenses: '#c62828', bank: '#1f4e79', cash: '#8a4b00', text: '#1a1a1a', grid: '#d6d6d6', zero: '#555555' };

/**
 * The small picture of the year for the home page: bars for receipts and expenses per month,
 * lines for the bank and cash balances. Accessible inline SVG (role="img", French <title> and
 * <desc> with the figures that matter), presentation attributes only (no style attribute, no
 * script) so it passes a strict Content-Security-Policy, generic fonts only.
 */
export function yearPicture(months: MonthFigures[], options: YearPictureOptions = {}): string {
  for (const m of months) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m.month)) throw new Error(`yearPicture: mois invalide ${JSON.stringify(m.month)}`);
    for (const key of ['receipts', 'expenses', 'bank', 'cash'] as const) {
      if (!isCents(m[key])) throw new Error(`yearPicture: ${key} de ${m.month} n'est pas un nombre entier de centimes`);
    }
  }
  const prefix = options.idPrefix ?? 'year-picture';
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  const title = options.title ?? defaultTitle(months);
  const scale = valueScale(months.flatMap((m) => [m.receipts, m.expenses, m.bank, m.cash]));
  const band = (PLOT.right - PLOT.left) / Math.max(months.length, 1);
  const centre = (i: number) => PLOT.left + band * (i + 0.5);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="year-picture" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${titleId} ${descId}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${titleId}">${escapeXml(title)}</title>`,
    `<desc id="${descId}">${escapeXml(description(months))}</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    legend(),
  ];

  parts.push('<g class="axis">');
  for (const tick of scale.ticks) {
    const y = num(scale.y(tick));
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="${tick === 0 ? COLOURS.zero : COLOURS.grid}" stroke-width="1"/>`,
      `<text x="${PLOT.left - 6}" y="${num(scale.y(tick) + 4)}" text-anchor="end" fill="${COLOURS.text}">${escapeXml(tickLabel(tick))}</text>`,
    );
  }
  months.forEach((m, i) => {
    parts.push(`<text x="${num(centre(i))}" y="${PLOT.bottom + 18}" text-anchor="middle" fill="${COLOURS.text}">${shortMonth(m.month)}</text>`);
  });
  parts.push('</g>');

  parts.push('<g class="bars">');
  months.forEach((m, i) => {
    const start = PLOT.left + band * i;
    parts.push(
      bar('receipts', start + band * 0.14, band * 0.34, m.receipts, scale.y, `${monthName(m.month)} : recettes ${formatEuros(m.receipts)}`),
      bar('expenses', start + band * 0.52, band * 0.34, m.expenses, scale.y, `${monthName(m.month)} : dépenses ${formatEuros(m.expenses)}`),
    );
  });
  parts.push('</g>');

  // The balances are drawn up to the current month, never flat into months not begun.
  const known = months.filter((m) => !m.future);
  for (const line of ['bank', 'cash'] as const) {
    const points = known.map((m, i) => `${num(centre(i))},${num(scale.y(m[line]))}`).join(' ');
    const dash = line === 'cash' ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<g class="${line}">`);
    if (known.length > 0) parts.push(`<polyline points="${points}" fill="none" stroke="${COLOURS[line]}" stroke-width="2.5"${dash}/>`);
    known.forEach((m, i) => {
      const label = `${monthName(m.month)} : ${line === 'bank' ? 'solde de la banque' : 'solde de la caisse'} ${formatEuros(m[line])}`;
      parts.push(marker(line, centre(i), scale.y(m[line]), label));
    });
    parts.push('</g>');
  }

  parts.push('</svg>');
  return parts.join('');
}

interface Scale {
  ticks: Cents[];
  y: (value: Cents) => number;
}

/** A vertical scale that always shows zero, with round steps of at least 1 €. */
function valueScale(values: Cents[]): Scale {
  const min = Math.min(0, ...values);
  let max = Math.max(0, ...values);
  if (max === min) max = 10000;
  const step = niceStep((max - min) / 5);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: Cents[] = [];
  for (let tick = low; tick <= high; tick += step) ticks.push(tick);
  const height = PLOT.bottom - PLOT.top;
  return { ticks, y: (value) => PLOT.top + ((high - value) / (high - low)) * height };
}

/** 1, 2 or 5 times a power of ten, in cents, never under 1 €: integer ticks whatever the data. */
function niceStep(raw: number): Cents {
  if (raw <= 100) return 100;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function bar(kind: 'receipts' | 'expenses', x: number, width: number, value: Cents, y: (v: Cents) => number, label: string): string {
  const top = Math.min(y(value), y(0));
  const height = Math.abs(y(value) - y(0));
  return `<rect class="${kind}" x="${num(x)}" y="${num(top)}" width="${num(width)}" height="${num(height)}" fill="${COLOURS[kind]}"><title>${escapeXml(label)}</title></rect>`;
}

function marker(line: 'bank' | 'cash', x: number, y: number, label: string): string {
  const tip = `<title>${escapeXml(label)}</title>`;
  return line === 'bank'
    ? `<circle cx="${num(x)}" cy="${num(y)}" r="3.5" fill="${COLOURS.bank}">${tip}</circle>`
    : `<rect x="${num(x - 3.5)}" y="${num(y - 3.5)}" width="7" height="7" fill="${COLOURS.cash}">${tip}</rect>`;
}

/** The legend in words, so the picture never relies on colour alone. */
function legend(): string {
  const y = 20;
  const items = [
    { x: PLOT.left, swatch: `<rect x="${PLOT.left}" y="${y - 9}" width="12" height="12" fill="${COLOURS.receipts}"/>`, text: 'Recettes du mois' },
    { x: PLOT.left + 140, swatch: `<rect x="${PLOT.left + 140}" y="${y - 9}" width="12" height="12" fill="${COLOURS.expenses}"/>`, text: 'Dépenses du mois' },
    {
      x: PLOT.left + 290,
      swatch: `<line x1="${PLOT.left + 290}" y1="${y - 3}" x2="${PLOT.left + 312}" y2="${y - 3}" stroke="${COLOURS.bank}" stroke-width="2.5"/><circle cx="${PLOT.left + 301}" cy="${y - 3}" r="3.5" fill="${COLOURS.bank}"/>`,
      text: 'Solde de la banque',
      offset: 28,
    },
    {
      x: PLOT.left + 450,
      swatch: `<line x1="${PLOT.left + 450}" y1="${y - 3}" x2="${PLOT.left + 472}" y2="${y - 3}" stroke="${COLOURS.cash}" stroke-width="2.5" stroke-dasharray="6 4"/><rect x="${PLOT.left + 457.5}" y="${y - 6.5}" width="7" height="7" fill="${COLOURS.cash}"/>`,
      text: 'Solde de la caisse',
      offset: 28,
    },
  ];
  return `<g class="legend">${items
    .map((item) => `${item.swatch}<text x="${item.x + (item.offset ?? 18)}" y="${y + 2}" fill="${COLOURS.text}">${item.text}</text>`)
    .join('')}</g>`;
}

function defaultTitle(months: MonthFigures[]): string {
  if (months.length === 0) return "L'année en image";
  const first = Number(months[0].month.slice(0, 4)) + (Number(months[0].month.slice(5, 7)) >= 9 ? 0 : -1);
  return `L'année ${first}-${first + 1} en image`;
}

function description(months: MonthFigures[]): string {
  if (months.length === 0) return 'Solde de la banque et de la caisse, recettes et dépenses par mois : aucun mois à montrer.';
  const first = months[0];
  const last = months.filter((m) => !m.future).at(-1) ?? first;
  const receipts = months.reduce((sum, m) => sum + m.receipts, 0);
  const expenses = months.reduce((sum, m) => sum + m.expenses, 0);
  return (
    `Solde de la banque et de la caisse, recettes et dépenses par mois, de ${monthName(first.month)} à ${monthName(last.month)}. ` +
    `Fin ${monthName(last.month)} : banque ${formatEuros(last.bank)}, caisse ${formatEuros(last.cash)}. ` +
    `Total des recettes : ${formatEuros(receipts)} ; total des dépenses : ${formatEuros(expenses)}.`
  );
}

const monthIndex = (month: string): number => Number(month.slice(5, 7)) - 1;
const shortMonth = (month: string): string => SHORT_MONTHS[monthIndex(month)];
/** '2024-09' → "septembre 2024". */
const monthName = (month: string): string => `${LONG_MONTHS[monthIndex(month)]} ${month.slice(0, 4)}`;

/** Ticks are whole euros: "1 500 €" reads better than "1 500,00 €" on an axis. */
const tickLabel = (cents: Cents): string => `${formatAmount(cents).replace(/,00$/, '')}\u00a0€`;

const num = (n: number): string => String(Math.round(n * 10) / 10);

const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
