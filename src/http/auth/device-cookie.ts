import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const DEVICE_COOKIE = 'cahier.device';
/** A browser stays known for half a year after its last successful login. */
export const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * The device cookie of OWASP's scheme against online guessing: `<username>.<id>.<signature>` (base64url),
 * issued to a browser at each successful login, signed with a key derived from the session
 * secret. It proves only that this browser logged in as this user before; the throttle lets such
 * a browser through whatever failures were made elsewhere (login-throttle.ts).
 */
export class DeviceCookies {
  private readonly key: Buffer;

  constructor(
    sessionSecret: string,
    private readonly secure: boolean,
  ) {
    this.key = createHmac('sha256', sessionSecret).update('cahier device cookie v1').digest();
  }

  /** The id of the request's device cookie when it is genuine and was issued to `username`; null otherwise. */
  deviceOf(req: Request, username: string): string | null {
    const value = cookieValue(req, DEVICE_COOKIE);
    const parts = value?.split('.');
    if (!parts || parts.length !== 3) return null;
    const [user, id, signature] = parts;
    if (!this.sameSignature(signature, `${user}.${id}`)) return null;
    return user === encodeUser(username) ? id : null;
  }

  /** A new cookie for the browser that just logged in as `username`. */
  issue(res: Response, username: string): void {
    const payload = `${encodeUser(username)}.${randomBytes(16).toString('base64url')}`;
    res.cookie(DEVICE_COOKIE, `${payload}.${this.sign(payload)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      maxAge: DEVICE_COOKIE_MAX_AGE_MS,
      path: '/',
      // The value is already URL-safe: keep it as signed.
      encode: (v) => v,
    });
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  private sameSignature(given: string, payload: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.sign(payload));
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** Usernames may hold dots: base64url keeps the three parts apart. */
const encodeUser = (username: string): string => Buffer.from(username.toLowerCase()).toString('base64url');

/** One cookie of the request's Cookie header (no cookie parser is mounted: the session reads its own). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
