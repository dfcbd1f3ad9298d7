import { Controller, Get, HttpCode, Inject, Optional, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock, systemClock } from '../../domain/fiscal-year';
import { CLOCK } from '../../tokens';
import { ApiError, describeError, DISK_FULL, ErrorBody, unauthenticated } from '../errors.filter';
import { WriteFailures } from '../write-failures';
import { Views } from '../views';
import { csrfTokenFor, renewCsrfToken } from './csrf';
import { AuthenticatedGuard, CurrentUser } from './guards';
import { DeviceCookies } from './device-cookie';
import { LoginSource, LoginThrottle } from './login-throttle';
import { PassportLogin } from './passport-login';
import { passwordPolicyError } from '../../users/passwords';
import { AccountSessionStore, SESSION_COOKIE } from './session-store';
import { SessionUser, UserDirectory } from '../../users/user-directory';
import { JsonBody } from '../json-body';
import { SecondFactors } from '../../users/second-factor';
import QRCode from 'qrcode';

type Attempt =
  | { kind: 'ok'; user: SessionUser }
  | { kind: 'second-factor'; user: SessionUser }
  | { kind: 'missing' }
  | { kind: 'refused' }
  | { kind: 'throttled'; retryAfterSeconds: number };

declare module 'express-session' {
  interface SessionData {
    /** The password was right; the session opens once the second factor is (within PENDING_LOGIN_MS). */
    pendingLogin?: { username: string; passwordVersion: number; at: number };
  }
}

/** Time to type the code after the password. */
const PENDING_LOGIN_MS = 5 * 60 * 1000;

const BAD_CODE: ErrorBody = {
  error: 'unauthorized',
  code: 'BAD_SECOND_FACTOR',
  message: "Ce code n'est pas le bon (ou il a déjà servi) : saisissez le code à 6 chiffres de l'application, ou un code de secours.",
};
const NO_PENDING_LOGIN: ErrorBody = {
  error: 'unauthorized',
  code: 'UNAUTHENTICATED',
  message: 'Saisissez d’abord votre identifiant et votre mot de passe (la connexion a expiré).',
};

const BAD_CREDENTIALS: ErrorBody = {
  error: 'unauthorized',
  code: 'BAD_CREDENTIALS',
  message: 'Identifiant ou mot de passe incorrect.',
};
const CREDENTIALS_REQUIRED = 'Saisissez votre identifiant et votre mot de passe.';

const throttledMessage = (seconds: number): string => {
  const minutes = Math.ceil(seconds / 60);
  return `Trop de tentatives de connexion. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
};

const throttledError = ({ retryAfterSeconds }: { retryAfterSeconds: number }): ApiError =>
  new ApiError(
    429,
    { error: 'too_many_requests', code: 'LOGIN_THROTTLED', message: throttledMessage(retryAfterSeconds) },
    { 'Retry-After': String(retryAfterSeconds) },
  );

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer of login and of /api/session: who is logged in, and the token for changes. */
function sessionAnswer(req: Request, user: SessionUser) {
  const shown: { username: string; role: string; coopId?: string; department?: string } = {
    username: user.username,
    role: user.role,
  };
  if (user.coopId) shown.coopId = user.coopId;
  if (user.department) shown.department = user.department;
  return { user: shown, csrfToken: csrfTokenFor(req) };
}

@Controller()
export class AuthController {
  private readonly clock: Clock;

  constructor(
    private readonly passportLogin: PassportLogin,
    private readonly users: UserDirectory,
    private readonly sessions: AccountSessionStore,
    private readonly throttle: LoginThrottle,
    private readonly devices: DeviceCookies,
    private readonly views: Views,
    private readonly secondFactors: SecondFactors,
    @Optional() @Inject(CLOCK) clock?: Clock,
    @Optional() private readonly writeFailures?: WriteFailures,
  ) {
    this.clock = clock ?? systemClock;
  }

  /** Exempt from CSRF: it is how an API client obtains its token. */
  @Post('api/login')
  @HttpCode(200)
  async apiLogin(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    // A form-encoded login is what a cross-site form can send (login CSRF): JSON only.
    if (!req.is('application/json')) {
      throw new ApiError(415, {
        error: 'unsupported_media_type',
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'La connexion par l’API attend un contenu JSON (Content-Type: application/json).',
      });
    }
    const attempt = await this.attempt(req, res);
    switch (attempt.kind) {
      case 'ok':
        return sessionAnswer(req, attempt.user);
      case 'second-factor':
        return { secondFactor: 'totp' };
      case 'missing':
        throw new ApiError(400, { error: 'invalid', code: 'CREDENTIALS_REQUIRED', message: CREDENTIALS_REQUIRED });
      case 'refused':
        throw new ApiError(401, BAD_CREDENTIALS);
      case 'throttled':
        throw throttledError(attempt);
    }
  }

  /** The second step of a login with a second factor: a TOTP or a recovery code. JSON only, as the login. */
  @Post('api/login/totp')
  @HttpCode(200)
  async apiLoginCode(@Req() req: Request, @Res({ passthrough: true }) res: Response, @JsonBody() body: { code?: unknown }) {
    if (!req.is('application/json')) {
      throw new ApiError(415, {
        error: 'unsupported_media_type',
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Envoyez le code en JSON (Content-Type: application/json).',
      });
    }
    const step = await this.secondStep(req, res, body.code);
    if (step.kind === 'ok') return sessionAnswer(req, step.user);
    if (step.kind === 'throttled') throw throttledError(step);
    throw new ApiError(401, step.kind === 'expired' ? NO_PENDING_LOGIN : BAD_CODE);
  }

  @Post('login/code')
  async loginCodeForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const step = await this.secondStep(req, res, req.body?.code);
    if (step.kind === 'ok') return res.redirect(303, '/');
    if (step.kind === 'expired') return res.redirect(303, '/login');
    if (step.kind === 'throttled') res.setHeader('Retry-After', String(step.retryAfterSeconds));
    const error = step.kind === 'throttled' ? throttledMessage(step.retryAfterSeconds) : BAD_CODE.message;
    this.views.render(res, 'login-code', { title: 'Code de connexion', error }, { status: step.kind === 'throttled' ? 429 : 401 });
  }

  /** A new TOTP secret to scan (not active until a first code confirms it). */
  @Post('api/account/totp')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  enrol(@CurrentUser() user: SessionUser) {
    return this.secondFactors.enrol(user.username);
  }

  /** The first code confirms the factor: from then on the login asks for it; the recovery codes are shown this once. */
  @Post('api/account/totp/confirm')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async confirm(@Req() req: Request, @CurrentUser() user: SessionUser, @JsonBody() body: { code?: unknown }) {
    return { recoveryCodes: await this.confirmSecondFactor(req, user, body.code) };
  }

  /** Throttled as a login (six digits are few); the user's directory entry then asks for the factor. */
  async confirmSecondFactor(req: Request, user: SessionUser, code: unknown): Promise<string[]> {
    const admission = await this.throttle.admitShared(this.sourceOf(req, user.username), this.now());
    if (admission.blocked) throw throttledError(admission);
    let codes: string[];
    try {
      codes = await this.secondFactors.confirm(user.username, code);
    } catch (error) {
      admission.attempt.failed(this.now());
      throw error;
    }
    admission.attempt.succeeded();
    await this.users.requireSecondFactor(user.username);
    return codes;
  }

  /** The user's security page: the second factor, on or to turn on. */
  @Get('compte/securite')
  @UseGuards(AuthenticatedGuard)
  async securityPage(@CurrentUser() user: SessionUser, @Res() res: Response): Promise<void> {
    const left = user.secondFactor ? await this.secondFactors.recoveryCodesLeft(user.username) : 0;
    this.views.render(res, 'account-security', { title: 'Sécurité du compte', enrolled: !!user.secondFactor, recoveryLeft: left });
  }

  /** A QR code to scan (an inline SVG: nothing leaves the server) and the field for the first code. */
  @Post('compte/securite/totp')
  @UseGuards(AuthenticatedGuard)
  async enrolPage(@CurrentUser() user: SessionUser, @Res() res: Response): Promise<void> {
    const { secret, otpauthUrl } = await this.secondFactors.enrol(user.username);
    await this.renderEnrolment(res, secret, otpauthUrl, undefined, 200);
  }

  @Post('compte/securite/totp/confirmation')
  @UseGuards(AuthenticatedGuard)
  async confirmPage(@Req() req: Request, @CurrentUser() user: SessionUser, @Res() res: Response): Promise<void> {
    try {
      const codes = await this.confirmSecondFactor(req, user, req.body?.code);
      this.views.render(res, 'account-recovery-codes', { title: 'Codes de secours', codes });
    } catch (error) {
      const described = describeError(error);
      if (described.status !== 400 && described.status !== 429) throw error;
      const pending = await this.secondFactors.pending(user.username);
      if (!pending) return res.redirect(303, '/compte/securite');
      await this.renderEnrolment(res, pending.secret, pending.otpauthUrl, described.body.message, described.status);
    }
  }

  private async renderEnrolment(res: Response, secret: string, otpauthUrl: string, error: string | undefined, status: number): Promise<void> {
    const qr = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    this.views.render(res, 'account-totp', { title: 'Activer la double authentification', secret, qr, error }, { status });
  }

  @Get('api/session')
  session(@Req() req: Request) {
    if (!req.user) throw unauthenticated();
    return sessionAnswer(req, req.user);
  }

  @Post('api/logout')
  @HttpCode(204)
  async apiLogout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.endSession(req, res);
  }

  /** Ends every other session of the user; this one continues under a new id and token. */
  @Post('api/password')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async changePassword(@Req() req: Request, @CurrentUser() user: SessionUser, @JsonBody() body: { currentPassword?: unknown; newPassword?: unknown }) {
    if (typeof body?.newPassword !== 'string') {
      throw new ApiError(400, {
        error: 'invalid',
        code: 'PASSWORD_REQUIRED',
        message: 'Saisissez le nouveau mot de passe.',
        fields: { newPassword: 'Saisissez le nouveau mot de passe.' },
      });
    }
    // Throttled as a login: it would otherwise let a session guess its user's password.
    const admission = await this.throttle.admitShared(this.sourceOf(req, user.username), this.now());
    if (admission.blocked) throw throttledError(admission);
    let verified: SessionUser | null;
    try {
      verified = await this.users.verify(user.username, body.currentPassword);
    } catch (error) {
      admission.attempt.abandoned();
      throw error;
    }
    if (!verified) {
      admission.attempt.failed(this.now());
      const message = 'Le mot de passe actuel est incorrect.';
      throw new ApiError(400, { error: 'invalid', code: 'BAD_CREDENTIALS', message, fields: { currentPassword: message } });
    }
    admission.attempt.succeeded();
    const refusal = passwordPolicyError(body.newPassword);
    if (refusal) {
      throw new ApiError(400, { error: 'invalid', code: 'PASSWORD_WEAK', message: refusal, fields: { newPassword: refusal } });
    }
    const updated = await this.users.setPassword(user.username, body.newPassword);
    await this.openSession(req, updated);
    await this.sessions.destroyAllFor(user.username, req.sessionID);
    return sessionAnswer(req, updated);
  }

  @Get('login')
  loginPage(@Req() req: Request, @Res() res: Response): void {
    if (req.user) return res.redirect(303, '/');
    csrfTokenFor(req);
    this.views.render(res, 'login', { title: 'Connexion' });
  }

  @Post('login')
  async loginForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const username = typeof req.body?.username === 'string' ? req.body.username : '';
    let attempt: Attempt;
    try {
      attempt = await this.attempt(req, res);
    } catch (error) {
      // The server busy or its disk full: said on the form, the username kept.
      const described = describeError(error);
      if (described.status !== 503) throw error;
      if (described.body.code === DISK_FULL.code) this.writeFailures?.seen();
      for (const [name, value] of Object.entries(described.headers)) res.setHeader(name, value);
      csrfTokenFor(req);
      return this.views.render(res, 'login', { title: 'Connexion', username, error: described.body.message }, { status: 503 });
    }
    if (attempt.kind === 'ok') return res.redirect(303, '/');
    if (attempt.kind === 'second-factor') return this.views.render(res, 'login-code', { title: 'Code de connexion' });
    const refused = {
      missing: { status: 400, error: CREDENTIALS_REQUIRED },
      refused: { status: 401, error: BAD_CREDENTIALS.message },
      throttled: { status: 429, error: attempt.kind === 'throttled' ? throttledMessage(attempt.retryAfterSeconds) : '' },
    }[attempt.kind];
    if (attempt.kind === 'throttled') res.setHeader('Retry-After', String(attempt.retryAfterSeconds));
    csrfTokenFor(req);
    this.views.render(res, 'login', { title: 'Connexion', username, error: refused.error }, { status: refused.status });
  }

  @Post('logout')
  async logoutForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.endSession(req, res);
    res.redirect(303, '/login');
  }

  private async attempt(req: Request, res: Response): Promise<Attempt> {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    if (!username || typeof body.password !== 'string' || body.password === '') return { kind: 'missing' };
    const admission = await this.throttle.admitShared(this.sourceOf(req, username), this.now());
    if (admission.blocked) return { kind: 'throttled', retryAfterSeconds: admission.retryAfterSeconds };
    let user: SessionUser | null;
    try {
      if (admission.delayMs > 0) await delay(admission.delayMs);
      req.body.username = username;
      user = await this.passportLogin.authenticate(req, res);
    } catch (error) {
      admission.attempt.abandoned();
      throw error;
    }
    if (!user) {
      admission.attempt.failed(this.now());
      return { kind: 'refused' };
    }
    admission.attempt.succeeded();
    if (user.secondFactor) {
      // A new session that knows the password was right, and nothing more: no user in it yet.
      await new Promise<void>((resolve, reject) => req.session.regenerate((error?: unknown) => (error ? reject(error) : resolve())));
      req.session.pendingLogin = { username: user.username, passwordVersion: user.passwordVersion, at: this.now() };
      renewCsrfToken(req);
      return { kind: 'second-factor', user };
    }
    await this.openSession(req, user);
    this.devices.issue(res, user.username);
    return { kind: 'ok', user };
  }

  /** The code after the password: throttled per user, address and device as the password is. */
  private async secondStep(
    req: Request,
    res: Response,
    code: unknown,
  ): Promise<{ kind: 'ok'; user: SessionUser } | { kind: 'expired' } | { kind: 'refused' } | { kind: 'throttled'; retryAfterSeconds: number }> {
    const pending = req.session?.pendingLogin;
    if (!pending || this.now() - pending.at > PENDING_LOGIN_MS) return { kind: 'expired' };
    const admission = await this.throttle.admitShared(this.sourceOf(req, pending.username), this.now());
    if (admission.blocked) return { kind: 'throttled', retryAfterSeconds: admission.retryAfterSeconds };
    let user: SessionUser | null;
    try {
      user = await this.users.get(pending.username);
      if (!user || user.passwordVersion !== pending.passwordVersion || !(await this.secondFactors.verify(pending.username, code))) user = null;
    } catch (error) {
      admission.attempt.abandoned();
      throw error;
    }
    if (!user) {
      admission.attempt.failed(this.now());
      return { kind: 'refused' };
    }
    admission.attempt.succeeded();
    await this.openSession(req, user);
    this.devices.issue(res, user.username);
    return { kind: 'ok', user };
  }

  /** Who tries: the address (through the proxies TRUST_PROXY names), and this browser's device cookie if it is the user's. */
  private sourceOf(req: Request, username: string): LoginSource {
    return { username, ip: req.ip ?? 'unknown', device: this.devices.deviceOf(req, username) };
  }

  /** New session id (passport regenerates it), new CSRF token, absolute time-out from now. */
  private async openSession(req: Request, user: SessionUser): Promise<void> {
    await this.passportLogin.login(req, user);
    renewCsrfToken(req);
    req.session.createdAt = this.now();
  }

  private endSession(req: Request, res: Response): Promise<void> {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    return new Promise((resolve, reject) => req.session.destroy((error?: unknown) => (error ? reject(error) : resolve())));
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
