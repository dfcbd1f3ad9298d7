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
