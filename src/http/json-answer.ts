import type { Response } from 'express';

const serialised = new WeakMap<object, Map<string, string>>();

/**
 * Sends the JSON of `answer`, made from `source`. A frozen source is the one version of its
 * documents (LedgerReads, DepartmentReads): the JSON of each variant of it (a page, a filter) is
 * made once, not per request — a 500-entry grid is 300 KiB, a 500-coop board 120 KiB.
 */
export function sendJson(res: Response, source: object, answer: () => unknown, variant = ''): void {
  let body: string | undefined;
  if (Object.isFrozen(source)) {
    let variants = serialised.get(source);
    if (!variants) serialised.set(source, (variants = new Map()));
    body = variants.get(variant);
    if (body === undefined) variants.set(variant, (body = JSON.stringify(answer())));
  } else {
    body = JSON.stringify(answer());
  }
  res.type('application/json').send(body);
}
