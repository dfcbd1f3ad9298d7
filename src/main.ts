import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { PROJECTOR } from './tokens';
import { loadConfig } from './config';
import { openStores } from './stores';
import { type Projector } from './projections/projector';
import { seedDemoIfEmpty } from './cli/demo-seed';
import { configureHttp } from './http/http-setup';
import { Schedule } from './messages/schedule';

/** Starts the server; an unreachable store ends start-up with one clear line. */
async function bootstrap(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const config = loadConfig();
  const stores = await openStores(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, stores }), {
    // Nest's start-up chatter (every module and route) hides the lines a person needs: ours below.
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  app.enableShutdownHooks();
  configureHttp(app);
  await app.init();
  await app.get<Projector>(PROJECTOR).start();
  const demo = await seedDemoIfEmpty(app);
  // Messages to retry and reminders due: every instance ticks, the store's claims make one send.
  app.get(Schedule).start();
  await app.listen(config.port);
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
  console.log(
    `Cahier Coop : http://localhost:${config.port} (événements : ${stores.eventStore.engine}, lectures : ${stores.readStore.engine}, données : ${config.dataDir}, prêt en ${Math.round(ms)} ms)`,
  );
  if (demo) {
    console.log('Données de démonstration créées. Identifiants :');
    for (const login of demo.logins) console.log(`  ${login.role.padEnd(11)} ${login.username} / ${login.password}   (${login.scope})`);
  }
}

bootstrap().catch((error: unknown) => {
  console.error(`Démarrage impossible : ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
