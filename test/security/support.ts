import type request from 'supertest';
import { type TestApp } from '../support/app';

/** Every event of the store: a refused request must leave this count unchanged. */
export async function eventCount(t: TestApp): Promise<number> {
  let n = 0;
  for await (const _ of t.stores.eventStore.readAll()) n++;
  return n;
}

/** Words of a library's English error that must never reach a user. */
const ENGLISH = /\b(the|is|must|should|cannot|invalid|expected|unexpected|error|not found|request|payload|too large|multipart|field|unsupported)\b/i;

/** A sentence for people, in French: non-empty and free of the usual English of libraries. */
export function isFrench(message: unknown): boolean {
  return typeof message === 'string' && message.trim().length > 0 && !ENGLISH.test(message);
}

export const REFUSALS = [400, 404, 409, 413, 415];

/** A refusal in the API's error shape: a listed status, a code and a French message. */
export function describeRefusal(res: request.Response): string | null {
  if (!REFUSALS.includes(res.status)) return `status ${res.status}`;
  const body = res.body as { code?: unknown; message?: unknown; error?: unknown };
  if (typeof body?.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) return `code ${JSON.stringify(body?.code)}`;
  if (typeof body.error !== 'string') return `error ${JSON.stringify(body.error)}`;
  if (!isFrench(body.message)) return `message ${JSON.stringify(body.message)}`;
  return null;
}

/** The session cookie of an answer, whole ("cahier.sid=…; Path=/; HttpOnly…"). */
export const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('cahier.sid='));

/** "cahier.sid=…", to send back as a Cookie header. */
export const cookiePair = (cookie: string | undefined): string => {
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0];
};
