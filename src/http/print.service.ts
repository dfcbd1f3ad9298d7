import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Response } from 'express';
import { Config } from '../config';
import { formatFrenchDate } from '../domain/fiscal-year';
import { crfView, gridView } from '../projections/ledger/views';
import { CONFIG } from '../tokens';
import { YearReads } from './ledger-reads';
import { PdfRenderer, PdfUnavailable } from './pdf';
import { Views } from './views';

export type PrintDocument = 'notebook' | 'crf';

const PRINT_CSS = readFileSync(resolve(__dirname, '..', '..', 'public', 'print.css'), 'utf8');

/**
 * "Version imprimable": the print templates rendered to PDF by Chromium; when Chromium is missing,
 * the same HTML with a French explanation (the browser's own Print does the rest), never a 500.
 */
@Injectable()
export class PrintService implements OnModuleDestroy {
  private readonly pdf: PdfRenderer;

  constructor(
    private readonly views: Views,
    @Inject(CONFIG) config: Config,
  ) {
    this.pdf = new PdfRenderer({ chromiumPath: config.chromiumPath });
  }

  html(document: PrintDocument, reads: YearReads, notice?: string): string {
    const { coop, year, notebook, chart, asOf } = reads;
    const model = {
      css: PRINT_CSS,
      notice,
      coop,
      yearName: `${year}-${year + 1}`,
      asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null,
      landscape: document === 'notebook',
      grid: document === 'notebook' ? gridView(notebook, chart, { order: 'date' }) : null,
      crf: document === 'crf' ? crfView(notebook, chart) : null,
    };
    return this.views.renderToString(join('print', document), model, { layout: join('print', 'layout') });
  }

  async send(res: Response, document: PrintDocument, reads: YearReads): Promise<void> {
    const title = `${document === 'notebook' ? 'Cahier de comptabilité' : 'Compte-rendu financier'} ${reads.year}-${reads.year + 1}`;
    try {
      const pdf = await this.pdf.render(this.html(document, reads), {
        landscape: document === 'notebook',
        title,
        footer: `${reads.coop.name} — exercice ${reads.year}-${reads.year + 1}`,
      });
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="${document}-${reads.coop.coopId}-${reads.year}.pdf"`);
      res.send(pdf);
    } catch (error) {
      if (!(error instanceof PdfUnavailable)) throw error;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.send(this.html(document, reads, error.message));
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pdf.close();
  }
}
