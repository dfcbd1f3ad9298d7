import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Response } from 'express';

/** A JSON body as it goes on the wire, with the strong ETag of its bytes; gzipped once, when first asked. */
interface JsonBody {
  bytes: Buffer;
  etag: string;
  gzipped?: Buffer;
}

/** Below this, gzip saves less than it costs. */
const GZIP_FROM_BYTES = 8 * 1024;

const serialised = new WeakMap<object, Map<string, JsonBody>>();

/**
 * Sends the JSON of `answer`, made from `source`. A frozen source is the one version of its
 * documents (LedgerReads, DepartmentReads): the bytes of each variant of it (a page, a filter) and
 * their ETag are made once, not per request — a 500-entry grid is 300 KiB, a 500-coop board
 * 120 KiB, and encoding or hashing them on every request was most of a grid's cost. With the ETag
 * set, express does not hash the body again, and still answers a matching If-None-Match with 304.
 * A client that accepts gzip (every browser) gets the version's bytes gzipped, also made once: a
 * grid is then ~10 times smaller on the wire.
 */
export function sendJson(res: Response, source: object, answer: () => unknown, variant = ''): void {
  let body: JsonBody | undefined;
  if (Object.isFrozen(source)) {
    let variants = serialised.get(source);
    if (!variants) serialised.set(source, (variants = new Map()));
    body = variants.get(variant);
    if (body === undefined) variants.set(variant, (body = jsonBody(answer())));
  } else {
    body = jsonBody(answer());
  }
  // Revalidated every time (the ETag makes that a 304), never kept for another user.
  res.set('Content-Type', 'application/json; charset=utf-8').set('Cache-Control', 'private, no-cache').vary('Accept-Encoding');
  if (body.bytes.length >= GZIP_FROM_BYTES && res.req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    body.gzipped ??= gzipSync(body.bytes);
    // Another representation, another strong ETag.
    res
      .set('Content-Encoding', 'gzip')
      .set('ETag', `${body.etag.slice(0, -1)}-gzip"`)
      .send(body.gzipped);
    return;
  }
  res.set('ETag', body.etag).send(body.bytes);
}

function jsonBody(value: unknown): JsonBody {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  // The shape of express's own ETags (length, SHA-1), but strong: these are the exact bytes.
  const etag = `"${bytes.length.toString(16)}-${createHash('sha1').update(bytes).digest('base64').slice(0, 27)}"`;
  return { bytes, etag };
}
