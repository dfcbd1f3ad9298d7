import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import Handlebars from 'handlebars';
import { formatFrenchDate } from '../domain/fiscal-year';
import { formatAmount, formatEuros } from '../domain/money';
import { MAX_ATTACHMENT_WORDS } from '../domain/ledger';
import { plural, sentence, verifierQualityLabel } from '../reads/words';

export const VIEWS_OPTIONS = Symbol('ViewsOptions');

export interface ViewsOptions {
  /** Default: templates/ at the project root. */
  templatesDir?: string;
  /** Compile each template once (default). Off, templates are re-read on every render. */
  cache?: boolean;
}

export interface RenderOptions {
  status?: number;
  /** false: the template is the whole page (print views). Default: layout.hbs. */
  layout?: string | false;
}

const DEFAULT_TEMPLATES = resolve(__dirname, '..', '..', 'templates');

/** For <script type="application/json"> blocks: nothing in the JSON may close the element. */
export const jsonForScript = (value: unknown): string =>
  (JSON.stringify(value ?? null) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const isCentsValue = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Server-rendered pages: handlebars templates from templates/, partials from templates/partials/
 * (registered by file name), wrapped in templates/layout.hbs. Usable with or without Nest.
 */
@Injectable()
export class Views {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly dir: string;
  private readonly cache: boolean;

  constructor(@Optional() @Inject(VIEWS_OPTIONS) options: ViewsOptions = {}) {
    this.dir = options.templatesDir ?? DEFAULT_TEMPLATES;
    this.cache = options.cache ?? true;
    this.registerHelpers();
    this.registerPartials();
  }

  /** The page as a string: the template, inside the layout unless `layout: false`. */
  renderToString(template: string, model: Record<string, unknown> = {}, options: RenderOptions = {}): string {
    const body = this.template(template)(model);
    const layout = options.layout ?? 'layout';
    if (layout === false) return body;
    return this.template(layout)({ ...model, body });
  }

  /**
   * Sends a page. The model gets `csrfToken` (for forms and the logout button) and `currentUser`
   * from the request, so templates need not thread them through. The token is the session's own
   * (made at login); a page with a form for anonymous visitors calls csrfTokenFor(req) first, so a
   * stray anonymous request (a 404 page for a crawler) stores no session.
   */
  render(res: Response, template: string, model: Record<string, unknown> = {}, options: RenderOptions = {}): void {
    const req = res.req as Request;
    if (!this.cache) this.registerPartials();
    // The message a saved form left for this page (post → redirect → get), shown once.
    const flash = req.session?.flash;
    if (flash) delete req.session.flash;
    const page = this.renderToString(
      template,
      { currentUser: req.user ?? null, flash, ...res.locals, ...model, csrfToken: req.session?.csrfToken ?? '' },
      options,
    );
    res
      .status(options.status ?? 200)
      .setHeader('Content-Type', 'text/html; charset=utf-8')
      // Pages show a coop's accounts: no shared cache, no back-button copy after logout.
      .setHeader('Cache-Control', 'no-store')
      .send(page);
  }

  /** After a saved form: a message for the next page, then the redirect (post → redirect → get). */
  redirectWithMessage(res: Response, location: string, message: string): void {
    const req = res.req as Request;
    if (req.session) req.session.flash = message;
    res.redirect(303, location);
  }

  private template(name: string): Handlebars.TemplateDelegate {
    const cached = this.cache ? this.compiled.get(name) : undefined;
    if (cached) return cached;
    if (!/^[a-z0-9][a-z0-9/_-]*$/i.test(name) || name.includes('..')) throw new Error(`Invalid template name "${name}"`);
    const compiled = this.hbs.compile(readFileSync(join(this.dir, `${name}.hbs`), 'utf8'), { strict: false });
    if (this.cache) this.compiled.set(name, compiled);
    return compiled;
  }

  private registerPartials(): void {
    const partialsDir = join(this.dir, 'partials');
    let files: string[];
    try {
      files = readdirSync(partialsDir);
    } catch {
      return;
    }
    for (const file of files.filter((f) => extname(f) === '.hbs')) {
      this.hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
    }
  }

  private registerHelpers(): void {
    const { SafeString, escapeExpression } = this.hbs;
    this.hbs.registerHelper('euros', (cents: unknown) => (isCentsValue(cents) ? formatEuros(cents) : ''));
    // Grid cells: an empty cell reads better than a column of zeros.
    this.hbs.registerHelper('amount', (cents: unknown) => (isCentsValue(cents) && cents !== 0 ? formatAmount(cents) : ''));
    this.hbs.registerHelper('date', (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? formatFrenchDate(iso.slice(0, 10)) : ''));
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // {{plural n "coopérative"}}, {{plural n "bilan accepté"}}, {{plural n "écriture non pointée" "écritures non pointées"}}: one rule (src/reads/words).
    this.hbs.registerHelper('plural', (count: unknown, one: unknown, ...rest: unknown[]) =>
      plural(typeof count === 'number' ? count : Number(count) || 0, String(one), rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined),
    );
    this.hbs.registerHelper('sentence', (text: unknown) => sentence(String(text ?? '')));
    this.hbs.registerHelper('verifierQuality', (quality: unknown) => verifierQualityLabel(String(quality ?? '')));
    // « 10 Mio »: the upload limit's words, from the one constant.
    this.hbs.registerHelper('attachmentLimit', () => MAX_ATTACHMENT_WORDS);
    // {{concat "Montant, ligne " number}}: the last argument is handlebars' options.
    this.hbs.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).map(String).join(''));
    this.hbs.registerHelper('json', (value: unknown) => new SafeString(jsonForScript(value)));
    /** "2024" → "2024-2025": a fiscal year runs 1 Sept → 31 Aug. */
    this.hbs.registerHelper('fiscalYear', (year: unknown) => {
      const y = Number(year);
      return Number.isInteger(y) ? `${y}-${y + 1}` : '';
    });
    this.hbs.registerHelper('csrf', (options: Handlebars.HelperOptions) => {
      const token = (options.data?.root as { csrfToken?: unknown } | undefined)?.csrfToken;
      return new SafeString(`<input type="hidden" name="_csrf" value="${escapeExpression(String(token ?? ''))}">`);
    });
  }
}
