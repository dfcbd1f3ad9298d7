import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Response } from 'express';
import { Config } from '../config';
import { formatFrenchDate } from '../domain/fiscal-year';
import { crfView, gridView } from '../reads/ledger-views';
import { CONFIG } from '../tokens';
import { YearReads } from '../reads/ledger-reads';
import { PdfRenderer, PdfUnavailable } from './pdf';
import { Views } from './views';

const PRINT_CSS = readFileSync(resolve(__dirname, '..', '..', 'public', 'print.css'), 'utf8');

/** A printable document: a template of templates/print/ and what the PDF needs around it. */
export interface PrintDocument {
  template: string;
  model: Record<string, unknown>;
  landscape: boolean;
  title: string;
  footer: string;
  fileName: string;
  /** Inside templates/print/layout.hbs (the coop's header); false: the template is the whole page. */
  layout: boolean;
}

/**
 * "Version imprimable": print templates rendered to PDF by one warm Chromium for the whole app;
 * when Chromium is missing, the same HTML with a French explanation (the browser's own Print does
 * the rest), never a 500.
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

  /** The notebook (landscape A4) or the CRF (portrait) of a coop's year. */
  yearDocument(kind: 'notebook' | 'crf', reads: YearReads): PrintDocument {
    const { coop, year, notebook, chart, asOf } = reads;
    const yearName = `${year}-${year + 1}`;
    return {
      template: kind,
      model: {
        coop,
        yearName,
        asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null,
        grid: kind === 'notebook' ? gridView(notebook, chart, { order: 'date' }) : null,
        crf: kind === 'crf' ? crfView(notebook, chart) : null,
      },
      landscape: kind === 'notebook',
      title: `${kind === 'notebook' ? 'Cahier de comptabilité' : 'Compte-rendu financier'} ${yearName}`,
      footer: `${coop.name} — exercice ${yearName}`,
      fileName: `${kind}-${coop.coopId}-${year}.pdf`,
      layout: true,
    };
  }

  html(doc: PrintDocument, notice?: string): string {
    const model = { ...doc.model, css: PRINT_CSS, notice, landscape: doc.landscape };
    return this.views.renderToString(join('print', doc.template), model, { layout: doc.layout ? join('print', 'layout') : false });
  }

  async send(res: Response, doc: PrintDocument): Promise<void> {
    try {
      const pdf = await this.pdf.render(this.html(doc), { landscape: doc.landscape, title: doc.title, footer: doc.footer });
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="${doc.fileName}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(pdf);
    } catch (error) {
      if (!(error instanceof PdfUnavailable)) throw error;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.send(this.html(doc, error.message));
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pdf.close();
  }
}
