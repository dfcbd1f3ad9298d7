import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module';
import { seedDemoIfEmpty } from '../../src/cli/demo-seed';
import { loadConfig } from '../../src/config';
import { type AuthOptions } from '../../src/http/auth/auth.module';
import { configureHttp } from '../../src/http/http-setup';
import { type Projector } from '../../src/projections/projector';
import { openStores } from '../../src/stores';
import { PROJECTOR } from '../../src/tokens';
import { TestClock } from '../support/app';

export interface ConfiguredApp {
  app: NestExpressApplication;
  clock: TestClock;
  close(): Promise<void>;
}

/**
 * The real application with the demo, like test/support/app.ts, but with the environment and the
 * auth options a security test needs: SECURE_COOKIES, the real login throttle.
 */
export async function startConfiguredApp(options: { env?: Record<string, string>; auth?: AuthOptions; now?: string }): Promise<ConfiguredApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cahier-security-'));
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'test-secret', ...options.env } as NodeJS.ProcessEnv);
  const stores = await openStores(config);
  const clock = new TestClock(new Date(options.now ?? '2026-11-27T10:00:00Z'));
  const auth: AuthOptions = { scrypt: { N: 1024, r: 8, p: 1 }, ...options.auth };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, stores, clock, auth }), { logger: false, bodyParser: false });
  configureHttp(app);
  await app.init();
  await app.get<Projector>(PROJECTOR).start();
  await seedDemoIfEmpty(app);
  return {
    app,
    clock,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
