import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError } from '../errors.filter';

declare module 'express-session' {
  interface SessionData {
    /** Per-session anti-CSRF token (synchroniser token pattern). */
    csrfToken?: string;
    /** Epoch ms when the session was opened: the absolute time-out counts from it. */
    createdAt?: number;
  }
}

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const csrfRefused = (): ApiError =>
  new ApiError(403, {
    error: 'forbidden',
    code: 'CSRF',
    message: 'Jeton de sécurité manquant ou invalide. Rechargez la page.',
  });

/** The session's token, created on first use (an anonymous session gets one for the login form). */
export function csrfTokenFor(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

/** A fresh token, for a freshly regenerated session (login). */
export function renewCsrfToken(req: Request): string {
  req.session.csrfToken = randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses every state-changing request whose `X-CSRF-Token` header or `_csrf` form field (query
 * parameter for multipart forms) is not the session's token. `exempt` names the requests that obtain a token (JSON login).
 */
export function csrfProtection(exempt: (req: Request) => boolean): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt(req)) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const given =
      req.get(CSRF_HEADER) ??
      (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ??
      // A multipart form (upload) is parsed later, in its route: its form carries the token in its action URL.
      (req.is('multipart/form-data') ? req.query[CSRF_FIELD] : undefined);
    next(sameToken(given, req.session?.csrfToken) ? undefined : csrfRefused());
  };
}
