import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../src/http/pdf';
import type { TestApp } from '../../support/app';

/** What the browser suites share: Debian's Chromium, the two viewports, axe-core, screenshots. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SHOTS = join(__dirname, '..', 'screenshots');
const AXE = readFileSync(require.resolve('axe-core'), 'utf8');

/** French amounts use narrow no-break spaces; assertions read them as plain spaces. */
export const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** The origin of a test app listening on a free port of the loopback. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core over a walk: each page (path and viewport) checked once, serious or critical violations kept. */
export class AxeAudit {
  readonly violations: string[] = [];
  readonly audited = new Set<string>();

  constructor(private readonly page: Page) {}

  async check(): Promise<void> {
    const url = new URL(this.page.url());
    const key = `${url.pathname} @${this.page.viewportSize()?.width}`;
    if (this.audited.has(key) || url.protocol === 'about:' || url.pathname.startsWith('/api/')) return;
    this.audited.add(key);
    // Evaluated through the DevTools protocol: the page's CSP (no inline script) stays as it is.
    if (!(await this.page.evaluate<boolean>("typeof axe === 'object'"))) await this.page.evaluate(AXE);
    const found = await this.page.evaluate<{ violations: AxeViolation[] }>("axe.run({ resultTypes: ['violations'] })");
    for (const v of found.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      this.violations.push(`${key}: ${v.id} (${v.help}) on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
}

/** A full-page screenshot, kept as a CI artifact, named by the viewport's width. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SHOTS, { recursive: true });
  return page.screenshot({ path: join(SHOTS, `${name}-${page.viewportSize()?.width}.png`), fullPage: true });
}

/** The page itself never scrolls sideways (a wide table scrolls inside its own frame). */
export const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');
