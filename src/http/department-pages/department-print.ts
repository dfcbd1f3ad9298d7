import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Response } from 'express';
import { Config } from '../../config';
import { CONFIG } from '../../tokens';
import { PdfRenderer, PdfUnavailable } from '../pdf';
import { Views } from '../views';

const PRINT_CSS = readFileSync(resolve(__dirname, '..', '..', '..', 'public', 'print.css'), 'utf8');

export interface DepartmentDocument {
  /** A template of templates/print/. */
  template: 'aggregated' | 'attestation';
  model: Record<string, unknown>;
  title: string;
  footer: string;
  fileName: string;
  /** The print layout's header (h1 and its line); the attestation, a whole document, has none. */
  layout: boolean;
}

/**
 * The department's and the auditor's printable documents (portrait A4), as PrintService does for
 * a coop's: PDF through Chromium, or the same HTML with a French explanation when it is missing.
 */
@Injectable()
export class DepartmentPrint implements OnModuleDestroy {
  private readonly pdf: PdfRenderer;

  constructor(
    private readonly views: Views,
    @Inject(CONFIG) config: Config,
  ) {
    this.pdf = new PdfRenderer({ chromiumPath: config.chromiumPath });
  }

  html(doc: DepartmentDocument, notice?: string): string {
    const model = { ...doc.model, css: PRINT_CSS, notice, landscape: false };
    return this.views.renderToString(join('print', doc.template), model, { layout: doc.layout ? join('print', 'layout') : false });
  }

  async send(res: Response, doc: DepartmentDocument): Promise<void> {
    try {
      const pdf = await this.pdf.render(this.html(doc), { landscape: false, title: doc.title, footer: doc.footer });
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
