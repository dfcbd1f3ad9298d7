import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Authenticator } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { SessionUser, UserDirectory } from '../../users/user-directory';

/** What the session cookie's record holds of the user; the rest is re-read on each request. */
interface SessionRef {
  username: string;
  passwordVersion: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- express declares its types in this namespace
  namespace Express {
    /** passport types req.user as Express.User: ours is a SessionUser. */
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges into passport's User
    interface User extends SessionUser {}
  }
}

/**
 * The app's own passport instance (not the process-wide singleton, so two apps in one process —
 * tests — do not share serializers). configureHttp wires it to the user directory.
 */
@Injectable()
export class PassportLogin {
  readonly passport = new Authenticator();
  private configured = false;

  /** passport-local over the directory; sessions keep the username and the password version. */
  configure(users: UserDirectory): void {
    this.passport.use(
      'local',
      new LocalStrategy({ usernameField: 'username', passwordField: 'password' }, (username, password, done) => {
        users.verify(username, password).then((user) => done(null, user ?? false), done);
      }),
    );
    this.passport.serializeUser<SessionRef>((user, done) => {
      const u = user as SessionUser;
      done(null, { username: u.username, passwordVersion: u.passwordVersion });
    });
    // A password changed since the session opened ends it: passport drops the user on `false`.
    this.passport.deserializeUser<SessionRef>((ref, done) => {
      users.get(ref.username).then((user) => done(null, user && user.passwordVersion === ref.passwordVersion ? user : false), done);
    });
    this.configured = true;
  }

  /** The user for the request's username/password, or null; never touches the response. */
  authenticate(req: Request, res: Response): Promise<SessionUser | null> {
    if (!this.configured) throw new Error('PassportLogin is not configured: call configureHttp before app.init()');
    return new Promise((resolve, reject) => {
      const next: NextFunction = (error?: unknown) => (error ? reject(error) : resolve(null));
      this.passport.authenticate('local', { session: false }, (error: unknown, user: SessionUser | false) => {
        if (error) reject(error);
        else resolve(user || null);
      })(req, res, next);
    });
  }

  /** Opens the session for the user. passport ≥ 0.6 regenerates the session id first (no fixation). */
  login(req: Request, user: SessionUser): Promise<void> {
    return new Promise((resolve, reject) => req.login(user, (error?: unknown) => (error ? reject(error) : resolve())));
  }
}
