import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto), OWASP parameters: N=2^17, r=8, p=1. The encoded
 * string carries its parameters (`scrypt$N$r$p$salt$hash`, base64) so they can be raised later
 * without invalidating stored hashes.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; the default maxmem (32 MiB) is below what N=2^17 asks.
  const maxmem = 256 * params.N * params.r * params.p;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * An encoded string of the right shape that no password matches (its key is random): verifying
 * against it costs the one derivation a real hash costs, with nothing computed beforehand.
 */
export function decoyHash(params: ScryptParams = OWASP_SCRYPT): string {
  return ['scrypt', params.N, params.r, params.p, randomBytes(SALT_LENGTH).toString('base64'), randomBytes(KEY_LENGTH).toString('base64')].join('$');
}

/** False for a wrong password and for a malformed encoded string (never throws on bad input). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(parts[4], 'base64'), { N, r, p });
  return timingSafeEqual(key, expected);
}

export const PASSWORD_MIN_LENGTH = 12;

/**
 * Passwords people pick first, English and French, lower-cased. Only those of 12 characters or
 * more matter (shorter ones fail on length), plus their obvious variants.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  '121212121212',
  '112233445566',
  '987654321098',
  '098765432109',
  '147258369147',
  'passwordpassword',
  'password1234',
  'password12345',
  'password123456',
  'password2024',
  'password2025',
  'passw0rd1234',
  'p@ssword1234',
  'p@ssw0rd1234',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  'qwertyqwerty',
  '1qaz2wsx3edc',
  'qazwsxedcrfv',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'welcome123456',
  'adminadmin12',
  'administrator',
  'administrator1',
  'admin1234567',
  'changeme1234',
  'trustno11234',
  'monkey123456',
  'dragon123456',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'starwars1234',
  'whatever1234',
  'abcdefghijkl',
  'abcdef123456',
  'abc123456789',
  'aaaaaaaaaaaa',
  'azertyazerty',
  'azertyuiop12',
  'azertyuiop123',
  'azertyuiop1234',
  'azerty123456',
  'azerty1234567',
  'azertyuiopqs',
  'azertyuiopqsdf',
  'motdepasse12',
  'motdepasse123',
  'motdepasse1234',
  'motdepasse2024',
  'motdepasse2025',
  'mot2passe123',
  'monmotdepasse',
  'monmotdepasse1',
  'jetaime123456',
  'jetaimejetaime',
  'soleil123456',
  'bonjour12345',
  'bonjour123456',
  'doudou123456',
  'chouchou1234',
  'nicolas12345',
  'camille12345',
  'marseille1234',
  'marseille13013',
  'parisparis12',
  'paris7500012',
  'loulou123456',
  'chocolat1234',
  'coucou123456',
  'vacances2024',
  'vacances2025',
  'ecole1234567',
  'cooperative1',
  'cooperative12',
  'cooperative123',
  'cooperative2024',
  'cooperative2025',
  'occeocceocce',
  'occe12345678',
  'ecoleprimaire',
  'ecoleprimaire1',
  'maitresse1234',
  'maitresse123',
  'instituteur1',
  'instituteur12',
  'professeur12',
  'professeur123',
  'tresorier1234',
  'tresorerie123',
  'comptabilite',
  'comptabilite1',
  'cahiercoop123',
  'cahiercoop2024',
  'cahiercoop2025',
  'bienvenue1234',
  'bienvenue123',
  'secret123456',
  'motdepasse!!',
  'azerty!!!!!!',
  'france123456',
  'allezlom1234',
  'allezparis12',
  'liverpool123',
  'chelsea12345',
  'arsenal12345',
  'pokemon12345',
]);

/** A French sentence when the password is refused, null when it is acceptable. */
export function passwordPolicyError(password: string): string | null {
  if (typeof password !== 'string' || [...password].length < PASSWORD_MIN_LENGTH) {
    return `Le mot de passe doit contenir au moins ${PASSWORD_MIN_LENGTH} caractères.`;
  }
  const folded = password
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  if (COMMON_PASSWORDS.has(folded) || new Set(folded).size <= 2) {
    return 'Ce mot de passe est trop courant : choisissez-en un autre, par exemple une courte phrase.';
  }
  return null;
}
