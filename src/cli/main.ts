import 'reflect-metadata';
import { Command } from 'commander';
import { commandContext } from '../commands/command-context';
import { type CommandSender, openCommandBus } from '../commands/commands.module';
import { RegisterCoop } from '../commands/coop.commands';
import { loadConfig } from '../config';
import { currentFiscalYear, systemClock } from '../domain/fiscal-year';
import { type Role } from '../events/envelope';
import { type EventStore } from '../events/event-store';
import { verifyHistory } from '../events/history';
import { coopStream, parseStream } from '../events/streams';
import { badDocumentSentence, verifyReadModels } from '../projections/read-model-check';
import { upcast } from '../events/upcasters';
import { UserDirectory } from '../users/user-directory';
import { ALL_PROJECTIONS } from '../projections';
import { rebuildAlongside } from '../projections/rebuild-alongside';
import { closeStores, openStores, type Stores } from '../stores';
import { seedDemo } from './demo-seed';
import { KeptFiles } from '../blobs/kept-files';

/**
 * `npm run cli -- <command>`: the same command paths as the server, without HTTP. Writes do not
 * wait for projections: a running server's projector picks them up within a poll interval.
 */
const CLI = { username: 'cli', role: 'admin' as const };

async function withStores<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await openStores(loadConfig());
  try {
    return await work(stores);
  } finally {
    await closeStores(stores);
  }
}

/** The server's CommandBus and handlers over the configured stores, and the user directory. */
async function withServices<T>(
  work: (services: { commands: CommandSender; users: UserDirectory; clock: typeof systemClock; documents: KeptFiles }) => Promise<T>,
): Promise<T> {
  return withStores(async (stores) => {
    const side = await openCommandBus({ eventStore: stores.eventStore, readStore: stores.readStore, clock: systemClock });
    try {
      return await work({ commands: side.bus, users: new UserDirectory(stores.accountStore), clock: systemClock, documents: new KeptFiles(stores.blobStore) });
    } finally {
      await side.close();
    }
  });
}

const program = new Command('cahier-coop').description('Cahier Coop — administration en ligne de commande').showHelpAfterError();

program
  .command('user:create')
  .description('crée un compte (mot de passe haché, jamais dans le journal)')
  .requiredOption('--username <u>')
  .requiredOption('--password <p>')
  .requiredOption('--role <role>', 'admin | treasurer | auditor | mandataire')
  .option('--department <d>')
  .option('--coop <c>')
  .action((o) =>
    withStores(async (stores) => {
      const user = await new UserDirectory(stores.accountStore).create({
        username: o.username,
        password: o.password,
        role: o.role as Role,
        department: o.department,
        coopId: o.coop,
        grants: o.role === 'auditor' ? { departments: o.department ? [o.department] : [], coops: o.coop ? [o.coop] : [] } : undefined,
      });
      console.log(`Compte ${user.username} (${user.role}) créé.`);
    }),
  );

program
  .command('user:grant')
  .description("accorde à un vérificateur la lecture d'un département ou d'une coopérative (s'ajoute aux droits déjà accordés)")
  .requiredOption('--username <u>')
  .option('--department <d>')
  .option('--coop <c>')
  .action((o) =>
    withStores(async (stores) => {
      const users = new UserDirectory(stores.accountStore);
      const user = await users.get(o.username);
      if (!user) throw new Error(`utilisateur inconnu : ${o.username}.`);
      if (user.role !== 'auditor') throw new Error(`le compte ${o.username} n'est pas celui d'un vérificateur.`);
      if (!o.department && !o.coop) throw new Error('indiquez --department ou --coop.');
      const granted = await users.grant(o.username, { departments: o.department ? [o.department] : [], coops: o.coop ? [o.coop] : [] });
      const { departments, coops } = granted.grants ?? { departments: [], coops: [] };
      console.log(`Droits de ${granted.username} : départements [${departments.join(', ')}], coopératives [${coops.join(', ')}].`);
    }),
  );

program
  .command('coop:create')
  .description('enregistre une coopérative et le compte de son mandataire')
  .requiredOption('--id <c>')
  .requiredOption('--name <n>')
  .requiredOption('--department <d>')
  .requiredOption('--username <u>')
  .requiredOption('--password <p>')
  .option('--school <s>')
  .option('--uai <uai>')
  .option('--first-year <y>', 'premier exercice (année de septembre)')
  .action((o) =>
    withServices(async (s) => {
      const firstYear = o.firstYear ? Number(o.firstYear) : currentFiscalYear(systemClock);
      await s.commands.execute(
        new RegisterCoop(
          {
            type: 'RegisterCoop',
            coopId: o.id,
            department: o.department,
            firstYear,
            identity: { name: o.name, school: o.school, uai: o.uai, mandataires: [] },
          },
          commandContext(CLI),
        ),
      );
      await s.users.create({ username: o.username, password: o.password, role: 'mandataire', coopId: o.id, department: o.department });
      console.log(`Coopérative ${o.id} créée (département ${o.department}, premier exercice ${firstYear}-${firstYear + 1}) ; mandataire : ${o.username}.`);
    }),
  );

program
  .command('projections:rebuild')
  .description('reconstruit toutes les lectures depuis le journal, à côté des actuelles, puis les bascule (serveur en marche ou non)')
  .action(() =>
    withStores(async (stores) => {
      // The progress bar is the output; only errors interrupt it.
      const quiet = { log: () => undefined, error: (message: string) => console.error(`\n${message}`) };
      const started = Date.now();
      // Into new collections, switched in once caught up: a running server serves the old ones meanwhile.
      await rebuildAlongside(stores.eventStore, stores.readStore, ALL_PROJECTIONS, { upcast, logger: quiet }, (done, total) =>
        process.stdout.write(`\r${progressBar(done, total)}`),
      );
      process.stdout.write(`\nLectures reconstruites en ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    }),
  );

program
  .command('history:verify')
  .description(
    "vérifie les chaînes de hachage de l'historique, puis les données affichées de chaque coopérative contre une relecture de ses événements ; code de sortie 1 en cas d'écart",
  )
  .option('--coop <c>')
  .action((o) =>
    withStores(async (stores) => {
      const currentYear = currentFiscalYear(systemClock);
      const check = await verifyHistory(stores.eventStore, o.coop ? { coopId: o.coop, currentYear } : undefined);
      if (!check.ok) {
        const bad = check.firstBadEvent!;
        console.error(`Historique altéré : premier événement en défaut ${bad.stream}@${bad.revision} (position ${bad.position}, ${bad.type}) — ${bad.reason}.`);
        process.exitCode = 1;
        return;
      }
      console.log(`Historique intègre : ${check.events} événements, ${check.streams} flux vérifiés.`);
      // One coop at a time: each replay holds only that coop's events.
      let documents = 0;
      for (const coopId of o.coop ? [o.coop as string] : await coopIds(stores.eventStore)) {
        const readModels = await verifyReadModels(stores.eventStore, stores.readStore, { coopId, currentYear }, ALL_PROJECTIONS);
        documents += readModels.documents;
        if (!readModels.ok) {
          console.error(`Données affichées altérées (coopérative ${coopId}) : ${badDocumentSentence(readModels.firstBadDocument!)}.`);
          process.exitCode = 1;
          return;
        }
      }
      console.log(`Données affichées conformes aux événements : ${documents} documents comparés.`);
    }),
  );

/** Every coop of the log, from its identity streams. */
async function coopIds(eventStore: EventStore): Promise<string[]> {
  const ids = new Set<string>();
  for await (const event of eventStore.readAll({ streamPrefixes: [coopStream('')] })) {
    const parsed = parseStream(event.stream);
    if (parsed?.category === 'coop') ids.add(parsed.coopId);
  }
  return [...ids];
}

program
  .command('demo:seed')
  .description('crée un département de démonstration avec des coopératives et une année d’écritures')
  .action(() =>
    withServices(async (services) => {
      const { logins } = await seedDemo(services);
      console.log('Démonstration créée. Identifiants :');
      for (const l of logins) console.log(`  ${l.role.padEnd(11)} ${l.username} / ${l.password}   (${l.scope})`);
    }),
  );

function progressBar(done: number, total: number): string {
  const width = 30;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(ratio * 100)} % (${done}/${total} événements)`;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`Erreur : ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = process.exitCode || 2;
});
