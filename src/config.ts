import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** Configuration from the environment, with defaults that need nothing installed. */
export interface Config {
  port: number;
  dataDir: string;
  eventStore: 'embedded' | 'eventstoredb' | 'postgresql';
  readStore: 'embedded' | 'mongodb' | 'postgresql';
  eventStoreUrl?: string;
  mongodbUrl?: string;
  /** PostgreSQL (EVENT_STORE or READ_STORE postgresql): one database may hold both. */
  databaseUrl?: string;
  sessionSecret: string;
  chromiumPath?: string;
  /** Behind TLS (a reverse proxy): cookies get `Secure`. */
  secureCookies: boolean;
  /**
   * The proxies trusted for X-Forwarded-For (and -Host, -Proto): a hop count, or addresses and
   * subnets as Express takes them ("loopback", "10.0.0.0/8"); false: none, the socket's address.
   */
  trustProxy: number | string[] | false;
  /** `smtp://user:pass@host:port` or `smtps://…`; unset, messages stay in the outbox. */
  smtpUrl?: string;
  /** The sender of every message. */
  mailFrom: string;
  /** The address people reach the app at, for links in messages (no trailing slash). */
  publicUrl: string;
  /** Roles that must enrol in a second factor at their next login (REQUIRE_SECOND_FACTOR=treasurer,admin). */
  requireSecondFactor: string[];
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const eventStore = oneOf('EVENT_STORE', env.EVENT_STORE, ['embedded', 'eventstoredb', 'postgresql'] as const);
  const readStore = oneOf('READ_STORE', env.READ_STORE, ['embedded', 'mongodb', 'postgresql'] as const);
  if ((eventStore === 'postgresql' || readStore === 'postgresql') && !env.DATABASE_URL) {
    throw new Error('EVENT_STORE=postgresql ou READ_STORE=postgresql demande DATABASE_URL (postgres://…)');
  }
  if (eventStore === 'eventstoredb' && !env.EVENTSTORE_URL) throw new Error('EVENT_STORE=eventstoredb demande EVENTSTORE_URL');
  if (readStore === 'mongodb' && !env.MONGODB_URL) throw new Error('READ_STORE=mongodb demande MONGODB_URL');
  return {
    port: Number(env.PORT ?? 3000),
    dataDir,
    eventStore,
    readStore,
    eventStoreUrl: env.EVENTSTORE_URL,
    mongodbUrl: env.MONGODB_URL,
    databaseUrl: env.DATABASE_URL,
    sessionSecret: env.SESSION_SECRET ?? keptSecret(dataDir),
    chromiumPath: env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p)),
    secureCookies: env.SECURE_COOKIES === 'true',
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    smtpUrl: smtpUrlOf(env.SMTP_URL),
    mailFrom: env.MAIL_FROM?.trim() || 'Cahier Coop <ne-pas-repondre@cahier-coop.invalid>',
    publicUrl: (env.PUBLIC_URL?.trim() || `http://localhost:${Number(env.PORT ?? 3000)}`).replace(/\/+$/, ''),
    requireSecondFactor: rolesOf(env.REQUIRE_SECOND_FACTOR),
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (!value) return allowed[0];
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name}=${value} inconnu (${allowed.join(', ')})`);
  return value as T;
}

/** TRUST_PROXY: "1" (hops), "loopback, 10.0.0.0/8" (addresses); empty, "0" or "false": none. */
function trustProxyOf(value: string | undefined): Config['trustProxy'] {
  const text = (value ?? '').trim();
  if (text === '' || text === '0' || text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const addresses = text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (addresses.some((a) => !/^[0-9A-Za-z.:/]+$/.test(a))) {
    throw new Error(`TRUST_PROXY=${value} : un nombre de proxys, ou des adresses séparées par des virgules (ex. 1, ou loopback, 10.0.0.0/8)`);
  }
  return addresses;
}

function smtpUrlOf(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let protocol = '';
  try {
    protocol = new URL(text).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error('SMTP_URL : smtp://utilisateur:motdepasse@hôte:port ou smtps://…');
  return text;
}

const ROLE_NAMES = ['mandataire', 'treasurer', 'auditor', 'admin'];

function rolesOf(value: string | undefined): string[] {
  const roles = (value ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !ROLE_NAMES.includes(r));
  if (unknown.length) throw new Error(`REQUIRE_SECOND_FACTOR : rôle inconnu ${unknown.join(', ')} (mandataire, treasurer, auditor, admin)`);
  return roles;
}

/** A generated secret, kept in DATA_DIR so sessions survive a restart. */
function keptSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
