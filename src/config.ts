import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** Configuration from the environment, with defaults that need nothing installed. */
export interface Config {
  port: number;
  dataDir: string;
  eventStore: 'embedded' | 'eventstoredb';
  readStore: 'embedded' | 'mongodb';
  eventStoreUrl?: string;
  mongodbUrl?: string;
  sessionSecret: string;
  chromiumPath?: string;
  /** Behind TLS (a reverse proxy): cookies get `Secure`. */
  secureCookies: boolean;
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const eventStore = env.EVENT_STORE === 'eventstoredb' ? 'eventstoredb' : 'embedded';
  const readStore = env.READ_STORE === 'mongodb' ? 'mongodb' : 'embedded';
  if (env.EVENT_STORE && !['embedded', 'eventstoredb'].includes(env.EVENT_STORE)) {
    throw new Error(`EVENT_STORE=${env.EVENT_STORE} inconnu (embedded ou eventstoredb)`);
  }
  if (env.READ_STORE && !['embedded', 'mongodb'].includes(env.READ_STORE)) {
    throw new Error(`READ_STORE=${env.READ_STORE} inconnu (embedded ou mongodb)`);
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
    sessionSecret: env.SESSION_SECRET ?? keptSecret(dataDir),
    chromiumPath: env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p)),
    secureCookies: env.SECURE_COOKIES === 'true',
  };
}

/** A generated secret, kept in DATA_DIR so sessions survive a restart. */
function keptSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
