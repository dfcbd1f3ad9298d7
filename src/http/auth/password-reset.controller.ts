import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Config } from '../../config';
import { type Clock } from '../../domain/fiscal-year';
import { passwordResetLetter } from '../../messages/letters';
import { Outbox } from '../../messages/outbox';
import { ACCOUNT_STORE, CLOCK, CONFIG } from '../../tokens';
import { type AccountStore } from '../../users/account-store';
import { PasswordResets } from '../../users/password-resets';
import { passwordPolicyError } from '../../users/passwords';
import { UserDirectory, USERNAME_PATTERN } from '../../users/user-directory';
import { ApiError, describeError } from '../errors.filter';
import { JsonBody } from '../json-body';
import { Views } from '../views';
import { RESET_THROTTLE } from './auth.module';
import { csrfTokenFor } from './csrf';
import { type LoginThrottle } from './login-throttle';
import { AccountSessionStore } from './session-store';

const LINK_GONE = {
  error: 'gone',
  code: 'RESET_LINK_GONE',
  message: "Ce lien n'est plus valable (il sert une fois, pendant une heure). Demandez-en un nouveau.",
};
/** Requests waiting to be handled, at most (each is a few milliseconds of lookups). */
const MAX_QUEUED = 1000;
const SENT = "Si cet identifiant existe et qu'une adresse électronique lui est associée, un lien vient d'y être envoyé : il est valable une heure.";

/** Password reset by e-mail (API.md "People and access"): a link valid one hour, used once; never says whether a username exists. */
@Controller()
export class PasswordResetController {
  private readonly resets: PasswordResets;
  private readonly log = new Logger('PasswordReset');
  private handled: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly users: UserDirectory,
    private readonly outbox: Outbox,
    private readonly sessions: AccountSessionStore,
    private readonly views: Views,
    @Inject(ACCOUNT_STORE) store: AccountStore,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESET_THROTTLE) private readonly throttle: LoginThrottle,
  ) {
    this.resets = new PasswordResets(store, clock);
  }

  /** 202 at once, whatever the username: the lookup and the message happen after the answer, so neither time nor status tells. */
  @Post('api/password-reset')
  @HttpCode(202)
  request(@JsonBody() body: { username?: unknown }, @Req() req: Request): Record<string, never> {
    this.sendLink(body.username, req);
    return {};
  }

  @Post('api/password-reset/:token')
  @HttpCode(200)
  async reset(@Param('token') token: string, @JsonBody() body: { password?: unknown }) {
    await this.resetWith(token, body.password);
    return {};
  }

  @Get('mot-de-passe-oublie')
  forgotPage(@Req() req: Request, @Res() res: Response): void {
    csrfTokenFor(req);
    this.views.render(res, 'password-forgot', { title: 'Mot de passe oublié' });
  }

  @Post('mot-de-passe-oublie')
  forgotForm(@Req() req: Request, @Res() res: Response): void {
    this.sendLink(req.body?.username, req);
    csrfTokenFor(req);
    this.views.render(res, 'password-forgot', { title: 'Mot de passe oublié', sent: SENT }, { status: 202 });
  }

  @Get('mot-de-passe/:token')
  async resetPage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    csrfTokenFor(req);
    const live = (await this.resets.holder(token)) !== null;
    this.views.render(res, 'password-reset', { title: 'Nouveau mot de passe', live, gone: live ? null : LINK_GONE.message }, { status: live ? 200 : 410 });
  }

  @Post('mot-de-passe/:token')
  async resetForm(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      await this.resetWith(token, req.body?.password);
    } catch (error) {
      const described = describeError(error);
      if (described.status !== 400 && described.status !== 410) throw error;
      csrfTokenFor(req);
      const live = described.status !== 410;
      return this.views.render(
        res,
        'password-reset',
        { title: 'Nouveau mot de passe', live, gone: live ? null : LINK_GONE.message, error: live ? described.body.message : null },
        { status: described.status },
      );
    }
    this.views.redirectWithMessage(res, '/login', 'Votre mot de passe est changé : connectez-vous avec le nouveau.');
  }

  /**
   * Handled after the answer, one request after another: each reads the throttle's counts the
   * previous one left (two at once would each miss the other's). A flood beyond MAX_QUEUED is
   * dropped unsent, as past the throttle.
   */
  private sendLink(username: unknown, req: Request): void {
    if (typeof username !== 'string' || !USERNAME_PATTERN.test(username.trim())) return;
    if (this.queued >= MAX_QUEUED) return;
    const ip = req.ip ?? 'unknown';
    this.queued++;
    this.handled = this.handled
      .then(() => this.sendLinkNow(username.trim(), ip))
      .catch((error: unknown) => this.log.warn(`lien non envoyé : ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.queued--);
  }

  /** Resolves once every request so far is handled: its link recorded, or not for an unknown username or past the limit. */
  idle(): Promise<void> {
    return this.handled;
  }

  private async sendLinkNow(username: string, ip: string): Promise<void> {
    // Every request counts, known username or not; past the limit nothing is sent (still 202).
    const now = this.clock.now().getTime();
    const admission = await this.throttle.admitShared({ username, ip, device: null }, now);
    if (admission.blocked) return;
    admission.attempt.failed(now);
    const user = await this.users.get(username);
    if (!user?.email) return;
    const token = await this.resets.issue(user.username);
    await this.outbox.post(
      passwordResetLetter(
        { email: user.email, name: user.name, username: user.username, coopId: user.coopId, department: user.department },
        `${this.config.publicUrl}/mot-de-passe/${token}`,
      ),
    );
  }

  /** Used or older than an hour → 410; a weak password → 400 (the link stays good); then every session of the user ends. */
  private async resetWith(token: string, password: unknown): Promise<void> {
    const username = await this.resets.holder(token);
    if (!username) throw new ApiError(410, LINK_GONE);
    const weak = passwordPolicyError(typeof password === 'string' ? password : '');
    if (weak) throw new ApiError(400, { error: 'invalid', code: 'PASSWORD_WEAK', message: weak, fields: { password: weak } });
    await this.resets.spend(token);
    await this.users.setPassword(username, password as string);
    await this.sessions.destroyAllFor(username);
  }
}
