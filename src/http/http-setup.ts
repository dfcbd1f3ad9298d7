import { resolve } from 'node:path';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { type Config } from '../config';
import { type Clock, systemClock } from '../domain/fiscal-year';
import { ACCOUNT_STORE, CLOCK, CONFIG } from '../tokens';
import { type AccountStore } from '../users/account-store';
import { csrfProtection, MultipartCsrfGuard, sameSiteChangesOnly } from './auth/csrf';
import { PassportLogin } from './auth/passport-login';
import { AccountSessionStore, SESSION_ABSOLUTE_MS, SESSION_COOKIE, SESSION_IDLE_MS } from './auth/session-store';
import { UserDirectory } from '../users/user-directory';
import { HttpErrorsFilter, middlewareErrorHandler } from './errors.filter';
import { Views } from './views';
import { WriteFailures } from './write-failures';

/** Each one defaults to the app's provider (CONFIG, ACCOUNT_STORE, UserDirectory, CLOCK, Views). */
export interface HttpDeps {
  config: Config;
  accountStore: AccountStore;
  users: UserDirectory;
  /** Without a CLOCK provider: the system clock. Tests move it to cross the session time-outs. */
  clock: Clock;
  views: Views;
}

const PUBLIC_DIR = resolve(__dirname, '..', '..', 'public');
export const JSON_BODY_LIMIT = '1mb';

/**
 * The HTTP plumbing every route relies on. Call it before app.init() / app.listen(): the
 * middleware added here must come before Nest's routes. Needs AuthModule in the app.
 */
export function configureHttp(app: NestExpressApplication, given: Partial<HttpDeps> = {}): void {
  const deps: HttpDeps = {
    config: given.config ?? app.get<Config>(CONFIG, { strict: false }),
    accountStore: given.accountStore ?? app.get<AccountStore>(ACCOUNT_STORE, { strict: false }),
    users: given.users ?? app.get(UserDirectory, { strict: false }),
    clock: given.clock ?? optionalProvider<Clock>(app, CLOCK) ?? systemClock,
    views: given.views ?? app.get(Views, { strict: false }),
  };
  const { clock, views } = deps;
  const passportLogin = app.get(PassportLogin, { strict: false });
  passportLogin.configure(deps.users);

  // Only the proxies TRUST_PROXY names may say who the client is (X-Forwarded-For: throttling)
  // and which host and scheme it asked for; without it, the socket's address.
  if (deps.config.trustProxy !== false) app.set('trust proxy', deps.config.trustProxy);
  app.disable('x-powered-by');

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Only behind TLS: on plain http (localhost, tests) it would break every asset.
          ...(deps.config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: deps.config.secureCookies,
      // Not no-referrer: with it, browsers send `Origin: null` on this site's own form posts,
      // which the cross-site check reads (csrf.ts). Nothing is sent to other sites either way.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  app.useStaticAssets(PUBLIC_DIR, { prefix: '/assets', index: false, maxAge: '1h' });
  // Everything past the assets is a person's data (JSON, CSV, FEC, xlsx, a quitus code's page):
  // kept by no cache, shared or private, unless an answer says otherwise (sendJson's ETag).
  const writeFailures = optionalProvider<WriteFailures>(app, WriteFailures);
  app.use((req: Request, res: Response, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    // A change answered without error was written: room is back, /health says so at once.
    if (writeFailures && req.method !== 'GET' && req.method !== 'HEAD') {
      res.on('finish', () => {
        if (res.statusCode < 400) writeFailures.cleared();
      });
    }
    next();
  });
  // Before Nest's own parsers (which it then skips), with our limit.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: true });

  app.use(
    session({
      name: SESSION_COOKIE,
      secret: deps.config.sessionSecret,
      store: new AccountSessionStore(deps.accountStore, clock),
      resave: false,
      // No stored session until something is put in it (a CSRF token, a login).
      saveUninitialized: false,
      rolling: true,
      // Behind TLS, the `Secure` cookie is sent when the proxy says https, TRUST_PROXY or not.
      proxy: deps.config.secureCookies ? true : undefined,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.secureCookies,
        maxAge: SESSION_IDLE_MS,
        path: '/',
      },
    }),
  );
  app.use(absoluteTimeout(clock));
  app.use(passportLogin.passport.initialize());
  app.use(passportLogin.passport.session());
  app.use(sameSiteChangesOnly());
  app.use(secondFactorRequired(deps.config.requireSecondFactor));
  // The vérificateur's decision carries its credential (the code) in its URL: no session to forge.
  app.use(
    csrfProtection(
      (req) =>
        req.method === 'POST' &&
        (req.path === '/api/login' ||
          req.path === '/api/login/totp' ||
          /^\/api\/password-reset(?:\/[^/]+)?$/.test(req.path) ||
          /^\/api\/quitus\/[^/]+$/.test(req.path)),
    ),
  );
  // Errors of the middleware above (malformed JSON, too large, CSRF, store down); routes' errors
  // go through the filter.
  // The app's WriteFailures (absent in apps without HttpModule) learns of full disks from them.
  app.use(middlewareErrorHandler(views, writeFailures));
  app.useGlobalFilters(new HttpErrorsFilter(views, writeFailures));
  app.useGlobalGuards(new MultipartCsrfGuard(app.get(Reflector)));
}

function optionalProvider<T>(app: NestExpressApplication, token: symbol | (abstract new (...args: never[]) => T)): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

/** What a user who must enrol may still reach: the enrolment itself, their session, logging out. */
const ENROLMENT_PATHS = /^\/(?:api\/account\/totp(?:\/confirm)?|api\/session|api\/logout|logout|compte\/securite(?:\/.*)?|assets\/.*|favicon\.ico)$/;

/**
 * REQUIRE_SECOND_FACTOR: a user of those roles without a second factor enrols before anything
 * else: the API answers 403 SECOND_FACTOR_REQUIRED, pages lead to the enrolment page.
 */
function secondFactorRequired(roles: string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const user = req.user as { role?: string; secondFactor?: boolean } | undefined;
    if (!user?.role || !roles.includes(user.role) || user.secondFactor || ENROLMENT_PATHS.test(req.path)) return next();
    if (req.path.startsWith('/api/')) {
      res.status(403).json({
        error: 'forbidden',
        code: 'SECOND_FACTOR_REQUIRED',
        message: 'Votre rôle demande une double authentification : activez-la (POST /api/account/totp puis /api/account/totp/confirm).',
      });
      return;
    }
    res.redirect(303, '/compte/securite');
  };
}

/** A session older than 12 hours starts over, however active it was. */
function absoluteTimeout(clock: Clock) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const createdAt = req.session?.createdAt;
    if (createdAt === undefined || clock.now().getTime() - createdAt <= SESSION_ABSOLUTE_MS) return next();
    req.session.regenerate((error?: unknown) => next(error));
  };
}
