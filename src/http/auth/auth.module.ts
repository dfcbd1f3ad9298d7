import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { Clock } from '../../domain/fiscal-year';
import { AccountStore } from '../../users/account-store';
import { Config } from '../../config';
import { ACCOUNT_STORE, CLOCK, CONFIG, USER_DIRECTORY } from '../../tokens';
import { DeviceCookies } from './device-cookie';
import { Views } from '../views';
import { AuthController } from './auth.controller';
import { AuthenticatedGuard, CoopScopeGuard, DepartmentScopeGuard } from './guards';
import { DEFAULT_THROTTLE, LoginThrottle, ThrottlePolicy } from './login-throttle';
import { AccountLoginFailures } from './login-failures';
import { RESET_REQUEST_THROTTLE, RESET_REQUESTS, resetRequestCounters } from './reset-request-throttle';
import { PassportLogin } from './passport-login';
import { DEFAULT_HASHING, HashingLimits, HashingPool } from '../../users/password-hashing';
import { OWASP_SCRYPT, ScryptParams } from '../../users/passwords';
import { AccountSessionStore } from './session-store';
import { UserDirectory } from '../../users/user-directory';
import { SecondFactors } from '../../users/second-factor';

export const AUTH_OPTIONS = Symbol('AuthOptions');
/** The LoginThrottle of password-reset requests (reset-request-throttle.ts). */
export const RESET_THROTTLE = Symbol('ResetRequestThrottle');

export interface AuthOptions {
  /** Defaults: DEFAULT_THROTTLE. */
  throttle?: Partial<ThrottlePolicy>;
  /** Password-reset requests; defaults: RESET_REQUEST_THROTTLE. */
  resetThrottle?: Partial<ThrottlePolicy>;
  /** Defaults: OWASP_SCRYPT. Tests lower it to keep logins fast. */
  scrypt?: ScryptParams;
  /** Defaults: DEFAULT_HASHING. */
  hashing?: Partial<HashingLimits>;
}

export interface AuthModuleOptions extends AuthOptions {
  /** Modules providing ACCOUNT_STORE, CONFIG and COOP_DIRECTORY, when they are not global. */
  imports?: ModuleMetadata['imports'];
}

/**
 * Login, sessions and scope. Needs ACCOUNT_STORE, CONFIG and COOP_DIRECTORY (and optionally CLOCK) from a
 * global module or from `register({ imports })`. The guards resolve COOP_DIRECTORY in the module
 * of the controller using them, so a global provider is the simplest.
 */
@Module({
  controllers: [AuthController],
  providers: [
    {
      provide: HashingPool,
      useFactory: (options?: AuthOptions) => new HashingPool({ ...DEFAULT_HASHING, ...options?.hashing }),
      inject: [{ token: AUTH_OPTIONS, optional: true }],
    },
    {
      provide: UserDirectory,
      // The clock decides the day a mandate's access ends.
      useFactory: (store: AccountStore, hashing: HashingPool, options?: AuthOptions, clock?: Clock) =>
        new UserDirectory(store, options?.scrypt ?? OWASP_SCRYPT, hashing, clock),
      inject: [ACCOUNT_STORE, HashingPool, { token: AUTH_OPTIONS, optional: true }, { token: CLOCK, optional: true }],
    },
    {
      provide: AccountSessionStore,
      useFactory: (store: AccountStore, clock?: Clock) => new AccountSessionStore(store, clock),
      inject: [ACCOUNT_STORE, { token: CLOCK, optional: true }],
    },
    {
      provide: DeviceCookies,
      useFactory: (config: Config) => new DeviceCookies(config.sessionSecret, config.secureCookies),
      inject: [CONFIG],
    },
    {
      provide: LoginThrottle,
      // Failures in the account store: every instance on it counts the same guesses.
      useFactory: (store: AccountStore, options?: AuthOptions) =>
        new LoginThrottle(options?.throttle, new AccountLoginFailures(store, options?.throttle?.windowMs ?? DEFAULT_THROTTLE.windowMs)),
      inject: [ACCOUNT_STORE, { token: AUTH_OPTIONS, optional: true }],
    },
    {
      provide: RESET_THROTTLE,
      useFactory: (store: AccountStore, options?: AuthOptions) => {
        const policy = { ...RESET_REQUEST_THROTTLE, ...options?.resetThrottle };
        return new LoginThrottle(policy, new AccountLoginFailures(store, policy.windowMs!, RESET_REQUESTS), resetRequestCounters);
      },
      inject: [ACCOUNT_STORE, { token: AUTH_OPTIONS, optional: true }],
    },
    { provide: USER_DIRECTORY, useExisting: UserDirectory },
    {
      provide: SecondFactors,
      useFactory: (store: AccountStore, clock?: Clock) => new SecondFactors(store, clock),
      inject: [ACCOUNT_STORE, { token: CLOCK, optional: true }],
    },
    PassportLogin,
    Views,
    AuthenticatedGuard,
    CoopScopeGuard,
    DepartmentScopeGuard,
  ],
  exports: [
    HashingPool,
    RESET_THROTTLE,
    UserDirectory,
    SecondFactors,
    USER_DIRECTORY,
    AccountSessionStore,
    PassportLogin,
    Views,
    AuthenticatedGuard,
    CoopScopeGuard,
    DepartmentScopeGuard,
  ],
})
export class AuthModule {
  static register(options: AuthModuleOptions = {}): DynamicModule {
    const { imports = [], ...authOptions } = options;
    return {
      module: AuthModule,
      imports,
      providers: [{ provide: AUTH_OPTIONS, useValue: authOptions }],
    };
  }
}
