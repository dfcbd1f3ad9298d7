import { execFileSync } from 'node:child_process';

/** The text of a PDF, page by page, as poppler's pdftotext reads it (pages end with a form feed). */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' });
}

/** Page count and first page size in points, from poppler's pdfinfo. */
export function pdfInfo(pdf: Buffer): { pages: number; width: number; height: number; title: string } {
  const info = execFileSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' });
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
  const pages = /^Pages:\s+(\d+)/m.exec(info);
  if (!size || !pages) throw new Error(`pdfinfo ne donne pas la taille des pages :\n${info}`);
  return {
    pages: Number(pages[1]),
    width: Number(size[1]),
    height: Number(size[2]),
    title: /^Title:\s+(.*)$/m.exec(info)?.[1] ?? '',
  };
}

export interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface PdfPageBoxes {
  width: number;
  height: number;
  words: PdfWord[];
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-f]+));/gi, (whole, name: string, dec?: string, hex?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (XML_ENTITIES[name] ?? whole),
  );

/** Each page's box and every word on it with its box, in points from the top left, from `pdftotext -bbox`'s XHTML. */
export function pdfWordBoxes(pdf: Buffer): PdfPageBoxes[] {
  const xhtml = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pages: PdfPageBoxes[] = [];
  for (const page of xhtml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
    const words = [...page[3].matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([\s\S]*?)<\/word>/g)].map((w) => ({
      text: decodeXml(w[5]),
      xMin: Number(w[1]),
      yMin: Number(w[2]),
      xMax: Number(w[3]),
      yMax: Number(w[4]),
    }));
    pages.push({ width: Number(page[1]), height: Number(page[2]), words });
  }
  return pages;
}
