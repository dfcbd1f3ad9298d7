/** The auth layer's public surface: login, sessions, CSRF, scope and guards. */
export { AuthModule, AUTH_OPTIONS, AuthOptions, AuthModuleOptions } from './auth.module';
export { COOP_DIRECTORY, USER_DIRECTORY } from '../../tokens';
export { Access, Authenticated, AuthenticatedGuard, CoopDirectory, CoopScopeGuard, CurrentUser, DepartmentScopeGuard, WriteAccess } from './guards';
export { canManageDepartment, canReadCoop, canReadDepartment, canWriteCoop, CoopRef, CoopWrite, ScopedUser } from './scope';
export { csrfTokenFor, CSRF_FIELD, CSRF_HEADER } from './csrf';
export { Grants, NewUser, ROLES, SessionUser, UserDirectory } from '../../users/user-directory';
export { hashPassword, passwordPolicyError, verifyPassword, OWASP_SCRYPT, ScryptParams } from '../../users/passwords';
export { AccountSessionStore, SESSION_COOKIE, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS } from './session-store';
export { LoginThrottle, ThrottlePolicy, DEFAULT_THROTTLE } from './login-throttle';
