import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Response } from 'express';
import { Config } from '../config';
import { formatFrenchDate } from '../domain/fiscal-year';
import { type CoopDoc } from '../projections/coops.projection';
import { type BankReconciliationView } from '../reads/bank-statements';
import { type ActionReport, type CalendarYearView, gridView } from '../reads/ledger-views';
import { paperNotebookPages, type PaperNotebookLayout } from '../reads/paper-notebook';
import { type MembershipView } from '../reads/membership';
import { type OfficialCrf } from '../reads/year-end-views';
import { CONFIG } from '../tokens';
import { YearReads } from '../reads/ledger-reads';
import { type PdfOptions, PdfRenderer, PdfUnavailable } from './pdf';
import { ApiError } from './errors.filter';
import { PrintBusy, PrintQueue } from './print-queue';
import { Views } from './views';

const PRINT_CSS = readFileSync(resolve(__dirname, '..', '..', 'public', 'print.css'), 'utf8');

/**
 * The paper notebook's page on landscape A4 (public/print.css sizes its rows and columns): 20 rows
 * of 6.5 mm under the headings, 15 account columns of 17 mm beside PJ and date on a right page.
 */
const NOTEBOOK_LAYOUT: PaperNotebookLayout = { rowsPerPage: 20, accountsPerPage: 15 };
/** Rows of a portrait list (an action's entries, receipts) a page holds, for the print queue's estimate. */
const ROWS_PER_PORTRAIT_PAGE = 30;

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
  /** Expected pages when more than a few (the print queue's lane): 1 when absent. */
  pages?: number;
}

/** What makes the PDF: Chromium (PdfRenderer), or a fake in tests. */
export interface PdfEngine {
  render(html: string, options: PdfOptions): Promise<Buffer>;
  close(): Promise<void>;
}

/** Injection token of a PdfEngine replacing Chromium (tests). */
export const PDF_ENGINE = Symbol('PdfEngine');

/**
 * "Version imprimable": print templates rendered to PDF by one warm Chromium for the whole app;
 * when Chromium is missing, the same HTML with a French explanation (the browser's own Print does
 * the rest), never a 500.
 */
@Injectable()
export class PrintService implements OnModuleDestroy {
  private readonly pdf: PdfEngine;
  private readonly queue = new PrintQueue();

  constructor(
    private readonly views: Views,
    @Inject(CONFIG) config: Config,
    @Optional() @Inject(PDF_ENGINE) engine?: PdfEngine,
  ) {
    this.pdf = engine ?? new PdfRenderer({ chromiumPath: config.chromiumPath });
  }

  /** The notebook of a coop's year as the paper one, landscape A4: left and right page pairs, totals carried. */
  notebookDocument(reads: YearReads): PrintDocument {
    const { coop, year, notebook, chart, asOf } = reads;
    const yearName = `${year}-${year + 1}`;
    const grid = gridView(notebook, chart, { order: 'date' });
    const book = paperNotebookPages(grid, NOTEBOOK_LAYOUT);
    return {
      template: 'notebook',
      model: {
        coop,
        yearName,
        asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null,
        book,
        carriedOver: grid.carriedOver,
      },
      pages: book.pages.length * 2,
      landscape: true,
      title: `Cahier de comptabilité ${yearName}`,
      footer: `${coop.name} — exercice ${yearName}`,
      fileName: `cahier-${coop.coopId}-${year}.pdf`,
      layout: false,
    };
  }

  /** The CRF on OCCE's form, then the CRA, portrait: the same view model as the page and GET …/crf. */
  crfDocument(reads: YearReads, crf: OfficialCrf): PrintDocument {
    const { coop, year, asOf } = reads;
    const yearName = `${year}-${year + 1}`;
    return {
      template: 'crf',
      model: { coop, yearName, asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null, crf },
      landscape: false,
      title: `Compte-rendu financier ${yearName} (${crf.status}, version ${crf.version})`,
      footer: `${coop.name} — exercice ${yearName} — CRF ${crf.status}, version ${crf.version}`,
      fileName: `crf-${coop.coopId}-${year}-v${crf.version}.pdf`,
      layout: true,
    };
  }

  /** One action's entries, receipts and expenses (the guide's "Version imprimable" of the action report), portrait. */
  actionDocument(reads: YearReads, report: ActionReport): PrintDocument {
    const { coop, year, asOf } = reads;
    const yearName = `${year}-${year + 1}`;
    return {
      template: 'action',
      model: { coop, yearName, asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null, report },
      landscape: false,
      title: `Action « ${report.name} » — ${yearName}`,
      footer: `${coop.name} — exercice ${yearName} — action « ${report.name} »`,
      fileName: `action-${coop.coopId}-${year}.pdf`,
      layout: true,
      pages: Math.ceil(report.rows.length / ROWS_PER_PORTRAIT_PAGE),
    };
  }

  /** The état de rapprochement at a statement's date, portrait: the same view model as the page. */
  bankReconciliationDocument(reads: YearReads, view: BankReconciliationView): PrintDocument {
    const { coop, year, asOf } = reads;
    const yearName = `${year}-${year + 1}`;
    return {
      template: 'bank-reconciliation',
      model: { coop, yearName, asOf: asOf ? formatFrenchDate(asOf.slice(0, 10)) : null, view },
      landscape: false,
      title: `État de rapprochement au ${formatFrenchDate(view.r.date)}`,
      footer: `${coop.name} — exercice ${yearName} — état de rapprochement au ${formatFrenchDate(view.r.date)}`,
      fileName: `rapprochement-${coop.coopId}-${view.r.date}.pdf`,
      layout: true,
    };
  }

  /** January → December: bank and cash at both ends, charges, products and actions. */
  calendarYearDocument(coop: CoopDoc, view: CalendarYearView): PrintDocument {
    return {
      template: 'calendar-year',
      model: { coop, yearName: `année civile ${view.calendarYear}`, view },
      landscape: false,
      title: `Comptes de l'année civile ${view.calendarYear}`,
      footer: `${coop.name} — année civile ${view.calendarYear}`,
      fileName: `annee-civile-${coop.coopId}-${view.calendarYear}.pdf`,
      layout: true,
    };
  }

  /** The attestation of membership and insurance of a validated membership: the coop, the year, the insured numbers, the AD. */
  membershipAttestationDocument(view: MembershipView & { coop: CoopDoc; association: string }): PrintDocument {
    const yearName = `${view.year}-${view.year + 1}`;
    return {
      template: 'membership-attestation',
      model: { coop: view.coop, yearName, view, insured: view.pupils + view.adults },
      landscape: false,
      title: `Attestation d'adhésion et d'assurance ${yearName}`,
      footer: `${view.coop.name} — attestation d'adhésion ${yearName} — ${view.association}`,
      fileName: `attestation-adhesion-${view.coop.coopId}-${view.year}.pdf`,
      layout: true,
    };
  }

  html(doc: PrintDocument, notice?: string): string {
    const model = { ...doc.model, css: PRINT_CSS, notice, landscape: doc.landscape };
    return this.views.renderToString(join('print', doc.template), model, { layout: doc.layout ? join('print', 'layout') : false });
  }

  /**
   * The PDF, through the print queue (one at a time per user, small documents never behind big
   * ones); a full queue answers 503 "réessayez" with Retry-After rather than a long wait.
   */
  async send(res: Response, doc: PrintDocument): Promise<void> {
    const owner = (res.req as { user?: { username?: string } } | undefined)?.user?.username ?? res.req?.ip ?? 'anonyme';
    try {
      const pdf = await this.queue
        .run({ owner, pages: doc.pages ?? 1 }, () => this.pdf.render(this.html(doc), { landscape: doc.landscape, title: doc.title, footer: doc.footer }))
        .catch((error: unknown) => {
          if (!(error instanceof PrintBusy)) throw error;
          throw new ApiError(503, { error: 'unavailable', code: 'PRINT_BUSY', message: error.message }, { 'Retry-After': String(error.retryAfterSeconds) });
        });
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
