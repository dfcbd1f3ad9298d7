import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, DynamicModule, Get, HttpCode, Module, Param, Post, Put, Res, Type, UseGuards } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Response } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Config } from '../../src/config';
import { DomainError, ValidationFailed } from '../../src/domain/errors';
import { StoreUnavailable } from '../../src/events/event-store';
import { AuthModule } from '../../src/http/auth/auth.module';
import { Authenticated, CoopDirectory, CoopScopeGuard, CurrentUser, DepartmentScopeGuard, WriteAccess } from '../../src/http/auth/guards';
import { ThrottlePolicy } from '../../src/http/auth/login-throttle';
import { NewUser, SessionUser, UserDirectory } from '../../src/users/user-directory';
import { configureHttp } from '../../src/http/http-setup';
import { SqliteAccountStore } from '../../src/users/sqlite-account-store';
import { ACCOUNT_STORE, CLOCK, CONFIG, COOP_DIRECTORY } from '../../src/tokens';
import { TestClock } from './clock';

export const PASSWORD = 'cheval agrafe pile correcte';

/** Coop → department of the fake CoopDirectory. */
export const COOPS: Record<string, string> = { C1: '14', C2: '14', C3: '61' };

/** One user per role and scope; every password is PASSWORD. */
export const USERS: Array<Omit<NewUser, 'password'>> = [
  { username: 'jferry', role: 'mandataire', coopId: 'C1', department: '14' },
  { username: 'tilleuls', role: 'mandataire', coopId: 'C2', department: '14' },
  { username: 'tresorier14', role: 'treasurer', department: '14' },
  { username: 'verif14', role: 'auditor', grants: { departments: ['14'], coops: [] } },
  { username: 'admin', role: 'admin' },
];

@Controller('api/coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
class LedgerProbeController {
  @Get('grid')
  grid(@Param('coopId') coopId: string, @Param('year') year: string) {
    return { coopId, year: Number(year), rows: [] };
  }

  @Post('entries')
  @HttpCode(201)
  record(@CurrentUser() user: SessionUser, @Body() body: { label?: unknown }) {
    if (body.label === undefined) {
      throw new ValidationFailed([
        new DomainError('PJ_REQUIRED', 'Le numéro de pièce est obligatoire.', 'pj'),
        new DomainError('LABEL_REQUIRED', 'Le libellé est obligatoire.', 'label'),
      ]);
    }
    return { entryId: 'E1', revision: 0, actor: user.username };
  }

  @Put('identity')
  @WriteAccess('identity')
  identity() {
    return { ok: true };
  }
}

@Controller('api/departments/:dept')
@UseGuards(DepartmentScopeGuard)
class DepartmentProbeController {
  @Get('coops')
  coops(@Param('dept') dept: string) {
    return Object.entries(COOPS)
      .filter(([, d]) => d === dept)
      .map(([coopId]) => ({ coopId }));
  }

  @Post('coops')
  @HttpCode(201)
  create() {
    return { ok: true };
  }
}

@Controller()
class ProbePagesController {
  @Get()
  @Authenticated()
  home(@Res() res: Response) {
    res.type('html').send('<p>Accueil</p>');
  }

  @Get('api/probe/crash')
  crash(): never {
    throw new Error('secret internal detail');
  }

  @Get('api/probe/outage')
  outage(): never {
    throw new StoreUnavailable('sqlite', new Error('disk gone'));
  }
}

export interface AuthAppOptions {
  throttle?: Partial<ThrottlePolicy>;
  secureCookies?: boolean;
  /** More controllers next to the probes. */
  controllers?: Type[];
  /** Seed USERS (default true). */
  seedUsers?: boolean;
}

export interface AuthApp {
  app: NestExpressApplication;
  /** For supertest: request(server). */
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  accountStore: SqliteAccountStore;
  users: UserDirectory;
  clock: TestClock;
  close(): Promise<void>;
}

function infrastructure(config: Config, accountStore: SqliteAccountStore, clock: TestClock): DynamicModule {
  const coops: CoopDirectory = { departmentOf: async (coopId) => COOPS[coopId] ?? null };
  const providers = [
    { provide: CONFIG, useValue: config },
    { provide: ACCOUNT_STORE, useValue: accountStore },
    { provide: CLOCK, useValue: clock },
    { provide: COOP_DIRECTORY, useValue: coops },
  ];
  @Module({})
  class TestInfrastructure {}
  return { module: TestInfrastructure, global: true, providers, exports: providers.map((p) => p.provide) };
}

/**
 * The AuthModule alone behind probe routes, configureHttp and a SQLite account store in a temp dir
 * (no ledger, no projector): the auth rules in isolation. The real application is startTestApp.
 */
export async function startAuthApp(options: AuthAppOptions = {}): Promise<AuthApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cahier-http-'));
  const accountStore = await SqliteAccountStore.open(join(dir, 'accounts.sqlite'));
  const clock = new TestClock();
  const config: Config = {
    port: 0,
    dataDir: dir,
    eventStore: 'embedded',
    readStore: 'embedded',
    sessionSecret: 'test-secret-of-at-least-32-characters!!',
    secureCookies: options.secureCookies ?? false,
    trustProxy: false,
    mailFrom: 'Cahier Coop <test@cahier-coop.invalid>',
    publicUrl: 'http://localhost',
    requireSecondFactor: [],
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      infrastructure(config, accountStore, clock),
      // Low scrypt cost: tests log in often; the production parameters are tested in auth.spec.
      AuthModule.register({ throttle: options.throttle, scrypt: { N: 2 ** 12, r: 8, p: 1 } }),
    ],
    controllers: [LedgerProbeController, DepartmentProbeController, ProbePagesController, ...(options.controllers ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, bodyParser: false });
  configureHttp(app);
  await app.init();
  const users = app.get(UserDirectory);
  if (options.seedUsers ?? true) {
    for (const user of USERS) await users.create({ ...user, password: PASSWORD });
  }
  return {
    app,
    server: app.getHttpServer(),
    accountStore,
    users,
    clock,
    close: async () => {
      await app.close();
      await accountStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs the agent in through the JSON API; returns the CSRF token for its changes. */
export async function login(agent: TestAgent, username: string, password = PASSWORD): Promise<string> {
  const res = await agent.post('/api/login').send({ username, password }).expect(200);
  return res.body.csrfToken as string;
}

export const agentFor = (testApp: AuthApp): TestAgent => request.agent(testApp.server);
