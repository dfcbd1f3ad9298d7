import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
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

export const crossSiteRefused = (): ApiError =>
  new ApiError(403, {
    error: 'forbidden',
    code: 'CROSS_SITE',
    message: 'Cette demande vient d’un autre site que Cahier Coop : elle est refusée.',
  });

/**
 * Refuses a change a browser says comes from another site, whatever its token (login CSRF
 * included, which the token cannot cover): an `Origin` that is not this host (the scheme aside:
 * behind a TLS proxy the server sees http), or `Sec-Fetch-Site: cross-site`. `Origin: null` (a
 * sandboxed frame, a privacy setting) decides nothing: then `Sec-Fetch-Site` must say
 * same-origin, or the change is refused. Clients that send neither header (scripts, the CLI)
 * rely on the token alone.
 */
export function sameSiteChangesOnly(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const site = req.get('sec-fetch-site');
    if (site === 'cross-site') return next(crossSiteRefused());
    const origin = req.get('origin');
    if (origin !== undefined && origin !== 'null') return next(hostOf(origin) === req.host ? undefined : crossSiteRefused());
    const sameOrigin = site === undefined ? origin === undefined : site === 'same-origin' || site === 'none';
    next(sameOrigin ? undefined : crossSiteRefused());
  };
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** A multipart form's token travels among its parts: the upload route reads it (csrfInParts). */
const TOKEN_IN_PARTS = Symbol('csrfTokenInParts');
type PendingRequest = Request & { [TOKEN_IN_PARTS]?: boolean };

/**
 * Refuses every state-changing request whose `X-CSRF-Token` header or `_csrf` form field is not
 * the session's token. `exempt` names the requests that obtain a token (JSON login). A multipart
 * form (an upload) is parsed later, in its route: without the header its check waits for its
 * parts (csrfInParts); a route that does not read parts refuses it (MultipartCsrfGuard).
 */
export function csrfProtection(exempt: (req: Request) => boolean): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt(req)) return next();
    const header = req.get(CSRF_HEADER);
    if (header === undefined && req.is('multipart/form-data')) {
      (req as PendingRequest)[TOKEN_IN_PARTS] = true;
      return next();
    }
    const body = req.body as Record<string, unknown> | undefined;
    const given = header ?? (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined);
    next(sameToken(given, req.session?.csrfToken) ? undefined : csrfRefused());
  };
}

/**
 * For a route parsing multipart parts: null when the request's token is good, or was checked by
 * its header; the refusal otherwise. Called as each file begins (multer's fileFilter), the fields
 * sent before it are known: a form puts its `_csrf` field first, so no file of a forged request
 * is read into memory. Called again once every part is read, for a form without a file.
 */
export function csrfInParts(req: Request): ApiError | null {
  if (!(req as PendingRequest)[TOKEN_IN_PARTS]) return null;
  const body = req.body as Record<string, unknown> | undefined;
  return sameToken(body?.[CSRF_FIELD], req.session?.csrfToken) ? null : csrfRefused();
}

/** Marks the routes that check a multipart request's token among its parts. */
export const CSRF_IN_PARTS = 'csrfInParts';

/** Refuses a multipart change without the header on a route that does not read its parts' token. */
@Injectable()
export class MultipartCsrfGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<PendingRequest>();
    if (!req[TOKEN_IN_PARTS] || this.reflector.get<boolean>(CSRF_IN_PARTS, context.getHandler())) return true;
    throw csrfRefused();
  }
}
