import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Thrown when no PDF can be made here; the controller then shows the HTML print view. */
export class PdfUnavailable extends Error {
  constructor(options?: { cause?: unknown }) {
    super(
      "L'impression PDF est indisponible sur ce serveur (Chromium introuvable). Voici la version imprimable : utilisez la commande Imprimer de votre navigateur.",
      options,
    );
    this.name = 'PdfUnavailable';
  }
}

export interface PdfLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface PdfOptions {
  landscape: boolean;
  /** The document's title: PDF metadata and the small header of every page. */
  title: string;
  /** Shown in the footer with page numbers, e.g. "Coopérative de l'école Jules Ferry — 2024-2025". */
  footer: string;
  /** Print CSS, passed as text so the templates need no inline style. */
  css?: string;
}

/** Debian's Chromium, never a downloaded one: the flags both the PDF renderer and the browser suite launch it with. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/**
 * HTML → PDF through Debian's Chromium driven by playwright-core. The browser is launched on the
 * first render and kept warm (a launch costs about a second); each render gets its own context,
 * with JavaScript off and no network, closed afterwards. How many render at once is the
 * PrintQueue's decision (print-queue.ts).
 */
export class PdfRenderer {
  private readonly chromiumPath?: string;
  private readonly logger?: PdfLogger;
  private browser: Promise<Browser> | null = null;
  private launched = 0;

  constructor(options: { chromiumPath?: string; logger?: PdfLogger } = {}) {
    this.chromiumPath = options.chromiumPath;
    this.logger = options.logger;
  }

  /** Whether the configured Chromium is there to be launched. */
  available(): boolean {
    if (!this.chromiumPath) return false;
    try {
      accessSync(this.chromiumPath, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** How many times Chromium was launched (once, unless it died in between). */
  get launches(): number {
    return this.launched;
  }

  async render(html: string, options: PdfOptions): Promise<Buffer> {
    const browser = await this.warmBrowser();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, serviceWorkers: 'block' });
    try {
      // The document is self-contained: anything it would fetch is refused (data: URLs never hit the network).
      await context.route(
        () => true,
        (route) => route.abort('blockedbyclient'),
      );
      const page = await context.newPage();
      await page.setContent(printDocument(html, options), { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        landscape: options.landscape,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: headerTemplate(options.title),
        footerTemplate: footerTemplate(options.footer),
        margin: { top: '14mm', bottom: '14mm', left: '10mm', right: '10mm' },
      });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (!browser) return;
    const launched = await browser.catch(() => null);
    await launched?.close().catch(() => undefined);
  }

  private warmBrowser(): Promise<Browser> {
    if (this.browser) return this.browser;
    const launching = this.launch();
    this.browser = launching;
    // A failed launch is retried on the next render, and so is a browser that crashed or was killed.
    const forget = () => {
      if (this.browser === launching) this.browser = null;
    };
    launching.then((browser) => browser.on('disconnected', forget), forget);
    return launching;
  }

  private async launch(): Promise<Browser> {
    if (!this.available()) {
      this.logger?.warn(`Chromium introuvable (${this.chromiumPath ?? 'CHROMIUM_PATH non défini'}) : PDF indisponible`);
      throw new PdfUnavailable();
    }
    this.launched++;
    try {
      // Loaded on the first render: playwright-core costs 0.4 s of start-up otherwise.
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: this.chromiumPath, headless: true, args: CHROMIUM_ARGS });
      this.logger?.log(`Chromium ${browser.version()} démarré pour l'impression PDF`);
      return browser;
    } catch (error) {
      this.logger?.warn(`Chromium ne démarre pas (${this.chromiumPath}) : ${(error as Error).message}`);
      throw new PdfUnavailable({ cause: error });
    }
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * The print document: the title and CSS go first in <head> (the first <title> is the document's);
 * a fragment is wrapped into a French UTF-8 document.
 */
function printDocument(html: string, options: PdfOptions): string {
  const head = `<meta charset="utf-8"><title>${escapeHtml(options.title)}</title>${
    options.css ? `<style>${options.css.replace(/<\/style/gi, '<\\/style')}</style>` : ''
  }`;
  const opening = /<head(\s[^>]*)?>/i.exec(html);
  if (opening) return html.slice(0, opening.index + opening[0].length) + head + html.slice(opening.index + opening[0].length);
  return `<!doctype html><html lang="fr"><head>${head}</head><body>${html}</body></html>`;
}

// Header and footer templates see no page style and default to a near-invisible font size.
const MARGIN_TEXT = 'font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 8pt; color: #333; width: 100%; margin: 0 10mm;';

const headerTemplate = (title: string): string => `<div style='${MARGIN_TEXT}'>${escapeHtml(title)}</div>`;

const footerTemplate = (footer: string): string =>
  `<div style='${MARGIN_TEXT} display: flex; justify-content: space-between;'>` +
  `<span>${escapeHtml(footer)}</span>` +
  `<span>Page <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
