import { type Role } from '../events/envelope';
import { DomainError } from '../domain/errors';
import { type AccountStore } from './account-store';
import { type Clock, systemClock, today } from '../domain/fiscal-year';
import { HashingPool } from './password-hashing';
import { decoyHash, hashPassword, OWASP_SCRYPT, passwordPolicyError, type ScryptParams, verifyPassword } from './passwords';

export const ROLES: readonly Role[] = ['mandataire', 'treasurer', 'auditor', 'admin'];

export interface Grants {
  departments: string[];
  coops: string[];
}

/** What a session knows of its user: never the password hash. */
export interface SessionUser {
  username: string;
  role: Role;
  department?: string;
  coopId?: string;
  grants?: Grants;
  /** Bumped by every password change: sessions opened with an older version end. */
  passwordVersion: number;
  /** The person behind the login, when known (personal logins). */
  name?: string;
  email?: string;
  /** Login needs a TOTP (or a recovery code) after the password. */
  secondFactor?: boolean;
  /** A mandataire whose mandate ended: no coop any more (every request of theirs is outside scope). */
  mandateEnded?: string;
}

/** A mandataire's login as the coop's list shows it (API.md "People and access"). */
export interface MandataireLogin {
  username: string;
  name: string | null;
  email: string | null;
  since: string | null;
  until: string | null;
}

interface UserDoc extends Record<string, unknown> {
  username: string;
  role: Role;
  department: string | null;
  coopId: string | null;
  grants: Grants | null;
  passwordHash: string;
  passwordVersion: number;
  name?: string | null;
  email?: string | null;
  /** A mandataire's first and (once ended) first day without access; absent for logins of old. */
  since?: string | null;
  until?: string | null;
  /** A confirmed second factor (its secret is in SecondFactors' collection). */
  secondFactor?: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  department?: string;
  coopId?: string;
  grants?: Partial<Grants>;
  name?: string;
  email?: string;
  since?: string;
  /** Demo accounts of the CLI only: accepts a password the policy would refuse. */
  skipPolicy?: boolean;
}

export const USERS = 'users';
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Credentials live in the account store's `users` collection, not in events (a password hash has
 * no place in an append-only log that auditors replay) nor in the read models (rebuilt at will).
 */
export class UserDirectory {
  private declared?: Promise<void>;
  /** Verified against when the username is unknown, so timing does not reveal which exist. */
  private readonly decoy: string;

  /** Every hash and verification goes through `hashing`: a flood of logins waits or is refused there. */
  constructor(
    private readonly store: AccountStore,
    private readonly scryptParams: ScryptParams = OWASP_SCRYPT,
    private readonly hashing: HashingPool = new HashingPool(),
    private readonly clock: Clock = systemClock,
  ) {
    this.decoy = decoyHash(scryptParams);
  }

  private ready(): Promise<void> {
    this.declared ??= this.store.declareCollection(USERS, { indexes: ['role', 'department', 'coopId'] });
    return this.declared;
  }

  /**
   * A new login's username (valid, free) and password (policy), every problem at once: callers
   * that record something first (a coop) check before, so a bad login leaves nothing behind.
   */
  async newLoginErrors(username: string, password: string): Promise<DomainError[]> {
    await this.ready();
    const errors: DomainError[] = [];
    if (!USERNAME_PATTERN.test(username)) errors.push(usernameInvalid());
    else if (await this.store.get(USERS, username)) errors.push(usernameTaken());
    const weak = passwordPolicyError(password);
    if (weak) errors.push(new DomainError('PASSWORD_WEAK', weak, 'password'));
    return errors;
  }

  async create(user: NewUser): Promise<SessionUser> {
    await this.ready();
    if (typeof user.username !== 'string' || !USERNAME_PATTERN.test(user.username)) throw usernameInvalid();
    if (!ROLES.includes(user.role)) {
      throw new DomainError('ROLE_INVALID', `Rôle inconnu : ${String(user.role)}.`, 'role');
    }
    if (user.role === 'mandataire' && !user.coopId) {
      throw new DomainError('COOP_REQUIRED', 'Un mandataire doit être rattaché à une coopérative.', 'coopId');
    }
    if (user.role === 'treasurer' && !user.department) {
      throw new DomainError('DEPARTMENT_REQUIRED', 'Un trésorier doit être rattaché à un département.', 'department');
    }
    if (!user.skipPolicy) this.checkPolicy(user.password);
    if (await this.store.get(USERS, user.username)) throw usernameTaken();
    const doc: UserDoc = {
      username: user.username,
      role: user.role,
      department: user.department ?? null,
      coopId: user.coopId ?? null,
      grants: user.grants ? { departments: user.grants.departments ?? [], coops: user.grants.coops ?? [] } : null,
      passwordHash: await this.hashing.run(() => hashPassword(user.password, this.scryptParams)),
      passwordVersion: 1,
      name: user.name ?? null,
      email: user.email ?? null,
      since: user.since ?? null,
      until: null,
    };
    await this.store.put(USERS, user.username, doc);
    return this.toSessionUser(doc);
  }

  async get(username: string): Promise<SessionUser | null> {
    const doc = await this.load(username);
    return doc ? this.toSessionUser(doc) : null;
  }

  /**
   * The user when the password matches, null otherwise: one derivation either way, an unknown
   * username against the decoy, so neither time nor memory tells which usernames exist. Throws
   * HashingBusy when too many are being verified already.
   */
  async verify(username: unknown, password: unknown): Promise<SessionUser | null> {
    if (typeof password !== 'string') return null;
    const doc = typeof username === 'string' ? await this.load(username) : null;
    const matches = await this.hashing.run(() => verifyPassword(password, doc?.passwordHash ?? this.decoy));
    return doc && matches ? this.toSessionUser(doc) : null;
  }

  /** Sets a new password and bumps passwordVersion: the user's other sessions end. */
  async setPassword(username: string, password: string, options: { skipPolicy?: boolean } = {}): Promise<SessionUser> {
    const doc = await this.mustLoad(username);
    if (!options.skipPolicy) this.checkPolicy(password);
    const updated: UserDoc = {
      ...doc,
      passwordHash: await this.hashing.run(() => hashPassword(password, this.scryptParams)),
      passwordVersion: doc.passwordVersion + 1,
    };
    await this.store.put(USERS, username, updated);
    return this.toSessionUser(updated);
  }

  /** Every login that is or was a mandataire of the coop, by username. */
  async mandatairesOf(coopId: string): Promise<MandataireLogin[]> {
    await this.ready();
    const docs = await this.store.find<UserDoc>(USERS, { where: { coopId } });
    return docs
      .filter((d) => d.role === 'mandataire')
      .sort((a, b) => a.username.localeCompare(b.username))
      .map((d) => ({ username: d.username, name: d.name ?? null, email: d.email ?? null, since: d.since ?? null, until: d.until ?? null }));
  }

  /** The coop's mandataires in office today: access ends the day a mandate's `until` says. */
  async mandatairesInOffice(coopId: string): Promise<MandataireLogin[]> {
    const day = today(this.clock);
    return (await this.mandatairesOf(coopId)).filter((m) => m.until === null || m.until > day);
  }

  /** Every auditor's account with its grants (the department's page filters what it may show). */
  async auditors(): Promise<{ username: string; department: string | null; grants: Grants | null }[]> {
    await this.ready();
    const docs = await this.store.find<UserDoc>(USERS, { where: { role: 'auditor' } });
    return docs.map((d) => ({ username: d.username, department: d.department, grants: d.grants }));
  }

  /** From now on, the login asks for the second factor. */
  async requireSecondFactor(username: string): Promise<void> {
    const doc = await this.mustLoad(username);
    await this.store.put(USERS, username, { ...doc, secondFactor: true });
  }

  /** From `until`, the login has no access to its coop (the event on the coop's stream says why). */
  async endMandate(username: string, until: string): Promise<void> {
    const doc = await this.mustLoad(username);
    await this.store.put(USERS, username, { ...doc, until });
  }

  /** Adds coops or departments an auditor may read (union with what was granted before). */
  async grant(username: string, grants: Partial<Grants>): Promise<SessionUser> {
    const doc = await this.mustLoad(username);
    const current = doc.grants ?? { departments: [], coops: [] };
    const updated: UserDoc = {
      ...doc,
      grants: {
        departments: [...new Set([...current.departments, ...(grants.departments ?? [])])],
        coops: [...new Set([...current.coops, ...(grants.coops ?? [])])],
      },
    };
    await this.store.put(USERS, username, updated);
    return this.toSessionUser(updated);
  }

  private toSessionUser(doc: UserDoc): SessionUser {
    const user: SessionUser = { username: doc.username, role: doc.role, passwordVersion: doc.passwordVersion };
    if (doc.department) user.department = doc.department;
    if (doc.coopId) user.coopId = doc.coopId;
    if (doc.grants) user.grants = doc.grants;
    if (doc.name) user.name = doc.name;
    if (doc.email) user.email = doc.email;
    if (doc.secondFactor) user.secondFactor = true;
    // Access is cut the day the mandate ends: that login no longer names a coop, so every coop is outside its scope.
    if (doc.role === 'mandataire' && doc.until && doc.until <= today(this.clock)) {
      delete user.coopId;
      user.mandateEnded = doc.until;
    }
    return user;
  }

  private checkPolicy(password: string): void {
    const refusal = passwordPolicyError(password);
    if (refusal) throw new DomainError('PASSWORD_WEAK', refusal, 'password');
  }

  private async load(username: string): Promise<UserDoc | null> {
    await this.ready();
    return this.store.get<UserDoc>(USERS, username);
  }

  private async mustLoad(username: string): Promise<UserDoc> {
    const doc = await this.load(username);
    if (!doc) throw new DomainError('USER_NOT_FOUND', `Utilisateur inconnu : ${username}.`, 'username', 'not_found');
    return doc;
  }
}

const usernameInvalid = (): DomainError =>
  new DomainError('USERNAME_INVALID', "L'identifiant doit faire 1 à 64 caractères : lettres, chiffres, point, tiret, @ ou souligné.", 'username');
const usernameTaken = (): DomainError => new DomainError('USERNAME_TAKEN', 'Cet identifiant est déjà utilisé.', 'username', 'conflict');
