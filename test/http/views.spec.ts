import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonForScript, Views } from '../../src/http/views';

describe('Views', () => {
  let dir: string;
  let views: Views;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cahier-views-'));
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'money.hbs'), '<span class="num">{{euros value}}</span>');
    writeFileSync(join(dir, 'row.hbs'), '<td>{{date date}}</td><td>{{label}}</td><td>{{amount debit}}</td><td>{{amount credit}}</td>{{> money value=total}}');
    writeFileSync(join(dir, 'data.hbs'), '<script type="application/json" id="data">{{json model}}</script>');
    writeFileSync(join(dir, 'form.hbs'), '<form method="post">{{csrf}}</form>{{#if (eq role "auditor")}}lecture seule{{/if}}');
    views = new Views({ templatesDir: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('formats amounts and dates the French way, empty cells for zero', () => {
    const html = views.renderToString('row', { date: '2025-04-25', label: 'Photos', debit: 123456, credit: 0, total: 123456 }, { layout: false });
    expect(html).toBe('<td>25/04/2025</td><td>Photos</td><td>1\u202f234,56</td><td></td><span class="num">1\u202f234,56\u00a0€</span>');
    // The same text a reader sees, whitespace normalised.
    expect(html.replace(/[\u202f\u00a0]/g, ' ')).toContain('1 234,56 €');
  });

  it('escapes a label carrying HTML', () => {
    const html = views.renderToString('row', { date: '2025-04-25', label: '<script>alert(1)</script>' }, { layout: false });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('writes JSON data blocks nothing can break out of', () => {
    const html = views.renderToString('data', { model: { label: '</script><script>alert(1)</script>', amp: 'a&b' } }, { layout: false });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(jsonForScript({ label: '</script>', amp: 'a&b' }))).toEqual({ label: '</script>', amp: 'a&b' });
  });

  it('renders the CSRF hidden input and the eq helper', () => {
    const html = views.renderToString('form', { csrfToken: 'tok"en', role: 'auditor' }, { layout: false });
    expect(html).toBe('<form method="post"><input type="hidden" name="_csrf" value="tok&quot;en"></form>lecture seule');
  });

  it('wraps pages in the layout: French, skip link, coop and year, logout form', () => {
    const real = new Views();
    const html = real.renderToString('error', {
      title: 'Page introuvable',
      status: 404,
      message: 'Ressource introuvable.',
      coop: { name: 'Coopérative <Les Tilleuls>' },
      year: 2024,
      currentUser: { username: 'jferry' },
      csrfToken: 'abc',
    });
    expect(html).toMatch(/^<!doctype html>\s*<html lang="fr">/);
    expect(html).toContain('<a class="skip-link" href="#contenu">');
    expect(html).toContain('Coopérative &lt;Les Tilleuls&gt;');
    expect(html).toContain('Exercice 2024-2025');
    expect(html).toMatch(/<form method="post" action="\/logout"[^>]*>\s*<input type="hidden" name="_csrf" value="abc">/);
    expect(html).toContain('<link rel="stylesheet" href="/assets/app.css">');
    expect(html).not.toMatch(/<script(?! src)/);
  });
});
