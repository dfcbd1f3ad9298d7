import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { DomainError } from '../domain/errors';
import { type Clock, systemClock } from '../domain/fiscal-year';
import { type AccountStore } from './account-store';

export const SECOND_FACTORS = 'second_factors';
/** Ten single-use recovery codes, each 10 characters of an alphabet without look-alikes. */
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ISSUER = 'Cahier Coop';
/** RFC 6238's 30-second steps; one step either side for a phone whose clock drifts. */
const STEP_SECONDS = 30;
const TOLERANCE_SECONDS = STEP_SECONDS;

interface SecondFactorDoc extends Record<string, unknown> {
  username: string;
  /** Base32 secret of the confirmed factor, null until the first code confirms it. */
  secret: string | null;
  /** The secret being enrolled, shown once as a QR code. */
  pendingSecret: string | null;
  /** SHA-256 of each recovery code not used yet (they are random: no salt is needed). */
  recoveryCodes: string[];
  /** The last TOTP time step accepted: a code is good once, even within its 30 seconds. */
  lastStep: number | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const normalised = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

function recoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

const codeInvalid = (): DomainError =>
  new DomainError('TOTP_INVALID', "Ce code n'est pas le bon : saisissez les 6 chiffres affichés par l'application.", 'code');

/**
 * The second factor of a login (TOTP, RFC 6238, through otplib; recovery codes stored hashed and
 * used once), in the account store beside the user: nothing of it is an event.
 */
export class SecondFactors {
  private declared?: Promise<void>;

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock = systemClock,
  ) {}

  private async load(username: string): Promise<SecondFactorDoc | null> {
    this.declared ??= this.store.declareCollection(SECOND_FACTORS, { indexes: [] });
    await this.declared;
    return this.store.get<SecondFactorDoc>(SECOND_FACTORS, username);
  }

  async enrolled(username: string): Promise<boolean> {
    return !!(await this.load(username))?.secret;
  }

  /** A new secret to scan; the factor in place (if any) stays until the new one is confirmed. */
  async enrol(username: string): Promise<{ secret: string; otpauthUrl: string }> {
    const doc = await this.load(username);
    const secret = generateSecret();
    await this.store.put(SECOND_FACTORS, username, {
      username,
      secret: doc?.secret ?? null,
      pendingSecret: secret,
      recoveryCodes: doc?.recoveryCodes ?? [],
      lastStep: doc?.lastStep ?? null,
    } satisfies SecondFactorDoc);
    return { secret, otpauthUrl: generateURI({ issuer: ISSUER, label: username, secret }) };
  }

  /** The secret being enrolled, to show again after a wrong first code. */
  async pending(username: string): Promise<{ secret: string; otpauthUrl: string } | null> {
    const secret = (await this.load(username))?.pendingSecret;
    return secret ? { secret, otpauthUrl: generateURI({ issuer: ISSUER, label: username, secret }) } : null;
  }

  /** The first code from the app confirms the secret; the recovery codes are shown this once. */
  async confirm(username: string, code: unknown): Promise<string[]> {
    const doc = await this.load(username);
    if (!doc?.pendingSecret) {
      throw new DomainError('TOTP_NOT_STARTED', "Commencez par afficher le QR code à scanner avec l'application.", 'code', 'conflict');
    }
    const step = this.stepOf(doc.pendingSecret, code, null);
    if (step === null) throw codeInvalid();
    const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
    await this.store.put(SECOND_FACTORS, username, {
      username,
      secret: doc.pendingSecret,
      pendingSecret: null,
      recoveryCodes: codes.map((c) => sha256(normalised(c))),
      lastStep: step,
    } satisfies SecondFactorDoc);
    return codes;
  }

  /** True for a current TOTP not used yet, or a recovery code (then spent). */
  async verify(username: string, code: unknown): Promise<boolean> {
    const doc = await this.load(username);
    if (!doc?.secret || typeof code !== 'string' || code.length > 32) return false;
    const step = this.stepOf(doc.secret, code, doc.lastStep);
    if (step !== null) {
      await this.store.put(SECOND_FACTORS, username, { ...doc, lastStep: step });
      return true;
    }
    const hashed = Buffer.from(sha256(normalised(code)), 'hex');
    const index = doc.recoveryCodes.findIndex((h) => timingSafeEqual(Buffer.from(h, 'hex'), hashed));
    if (index < 0) return false;
    await this.store.put(SECOND_FACTORS, username, { ...doc, recoveryCodes: doc.recoveryCodes.filter((_, i) => i !== index) });
    return true;
  }

  async recoveryCodesLeft(username: string): Promise<number> {
    return (await this.load(username))?.recoveryCodes.length ?? 0;
  }

  /** The time step a 6-digit code belongs to (within the tolerance), when it is after `lastStep`. */
  private stepOf(secret: string, code: unknown, lastStep: number | null): number | null {
    if (typeof code !== 'string') return null;
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const epoch = Math.floor(this.clock.now().getTime() / 1000);
    const result = verifySync({ secret, token, epoch, epochTolerance: TOLERANCE_SECONDS });
    if (!result.valid) return null;
    const step = (result as { timeStep?: number }).timeStep ?? Math.floor(epoch / STEP_SECONDS);
    return lastStep !== null && step <= lastStep ? null : step;
  }
}
