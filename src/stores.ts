import { join } from 'node:path';
import { type Config } from './config';
import { type EventStore, StoreUnavailable } from './events/event-store';
import { SqliteEventStore } from './events/sqlite-event-store';
import { type ReadStore } from './projections/read-store';
import { SqliteReadStore } from './projections/sqlite-read-store';

export interface Stores {
  eventStore: EventStore;
  readStore: ReadStore;
}

const STARTUP_PING_MS = 5000;

/** Opens the configured engines and checks both answer; a dead server fails fast, in one line. */
export async function openStores(config: Config): Promise<Stores> {
  const eventStore: EventStore =
    config.eventStore === 'eventstoredb'
      ? // The server engines' drivers load only when configured (a second less at start-up).
        await (await import('./events/eventstoredb-event-store')).EventStoreDbEventStore.connect(config.eventStoreUrl!)
      : new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
  let readStore: ReadStore | undefined;
  try {
    readStore =
      config.readStore === 'mongodb'
        ? await (await import('./projections/mongo-read-store')).MongoReadStore.connect(config.mongodbUrl!)
        : new SqliteReadStore(join(config.dataDir, 'read.sqlite'));
    await withTimeout(eventStore.ping(), STARTUP_PING_MS, eventStore.engine);
    await withTimeout(readStore.ping(), STARTUP_PING_MS, readStore.engine);
    return { eventStore, readStore };
  } catch (error) {
    await Promise.allSettled([eventStore.close(), readStore?.close()]);
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, engine: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailable(engine, new Error(`pas de réponse en ${ms} ms`))), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
