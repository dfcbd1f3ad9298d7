import { join } from 'node:path';
import { type Config } from './config';
import { type EventStore, StoreUnavailable } from './events/event-store';
import { SqliteEventStore } from './events/sqlite-event-store';
import { type ReadStore } from './projections/read-store';
import { type ProjectorLease } from './projections/projector-lease';
import { type BlobStore } from './blobs/blob-store';
import { DiskBlobStore } from './blobs/disk-blob-store';
import { SqliteReadStore } from './projections/sqlite-read-store';
import { type AccountStore } from './users/account-store';
import { SqliteAccountStore } from './users/sqlite-account-store';
import { type MessageStore } from './messages/message-store';
import { SqliteMessageStore } from './messages/sqlite-message-store';

export interface Stores {
  eventStore: EventStore;
  /** Read models: rebuildable from the event log, dropped and rebuilt at will. */
  readStore: ReadStore;
  /** Users, grants, sessions, Idempotency-Key answers: durable, apart from the read models. */
  accountStore: AccountStore;
  /** Vouchers and bank files: in the server read store's database, else on the local disk (DATA_DIR/blobs). */
  blobStore: BlobStore;
  /**
   * The outbox: in the server read store's database (one outbox for every instance), else in
   * DATA_DIR/messages.sqlite. Unset (tests building stores by hand): the messages module's default.
   */
  messageStore?: MessageStore;
  /** Read models shared by several instances (a server engine): who projects. Unset: this process always does. */
  projectorLease?: ProjectorLease;
}

/** Closes every store opened, whatever fails. */
export async function closeStores(stores: Partial<Stores>): Promise<void> {
  await Promise.allSettled([
    stores.eventStore?.close(),
    stores.readStore?.close(),
    stores.accountStore?.close(),
    stores.projectorLease?.release(),
    stores.blobStore?.close(),
    stores.messageStore?.close(),
  ]);
}

const STARTUP_PING_MS = 5000;

/** Opens the configured engines and checks both answer; a dead server fails fast, in one line. */
export async function openStores(config: Config): Promise<Stores> {
  const eventStore = await openEventStore(config);
  let readStore: ReadStore | undefined;
  let accountStore: AccountStore | undefined;
  let projectorLease: ProjectorLease | undefined;
  let blobStore: BlobStore | undefined;
  let messageStore: MessageStore | undefined;
  try {
    if (config.readStore === 'postgresql') {
      const { PostgresReadStore } = await import('./projections/postgres-read-store');
      // Tables of their own (account_…) beside the read models' (rm_…), in the shared database.
      accountStore = await PostgresReadStore.connect(config.databaseUrl!, { prefix: 'account_' });
      readStore = await PostgresReadStore.connect(config.databaseUrl!);
      const { PostgresProjectorLease } = await import('./projections/postgres-projector-lease');
      projectorLease = new PostgresProjectorLease(config.databaseUrl!);
      const { PostgresBlobStore } = await import('./blobs/postgres-blob-store');
      blobStore = await PostgresBlobStore.connect(config.databaseUrl!);
      const { PostgresMessageStore } = await import('./messages/postgres-message-store');
      messageStore = await PostgresMessageStore.connect(config.databaseUrl!);
    } else if (config.readStore === 'mongodb') {
      const { MongoReadStore } = await import('./projections/mongo-read-store');
      // A database of their own: dropping the read models' never touches the accounts.
      accountStore = await MongoReadStore.connect(config.mongodbUrl!, 'cahier_coop_accounts');
      readStore = await MongoReadStore.connect(config.mongodbUrl!);
      const { MongoProjectorLease } = await import('./projections/mongo-projector-lease');
      projectorLease = new MongoProjectorLease(config.mongodbUrl!);
    } else {
      const readFile = join(config.dataDir, 'read.sqlite');
      // Before the read store opens: the first start carries the accounts an earlier version kept there.
      accountStore = await SqliteAccountStore.open(join(config.dataDir, 'accounts.sqlite'), { carryFrom: readFile });
      readStore = new SqliteReadStore(readFile);
    }
    blobStore ??= new DiskBlobStore(config.dataDir);
    messageStore ??= new SqliteMessageStore(join(config.dataDir, 'messages.sqlite'));
    await withTimeout(eventStore.ping(), STARTUP_PING_MS, eventStore.engine);
    await withTimeout(readStore.ping(), STARTUP_PING_MS, readStore.engine);
    await withTimeout(accountStore.ping(), STARTUP_PING_MS, accountStore.engine);
    return { eventStore, readStore, accountStore, blobStore, messageStore, ...(projectorLease ? { projectorLease } : {}) };
  } catch (error) {
    await closeStores({ eventStore, readStore, accountStore, blobStore, messageStore, projectorLease });
    throw error;
  }
}

async function openEventStore(config: Config): Promise<EventStore> {
  // The server engines' drivers load only when configured (a second less at start-up).
  switch (config.eventStore) {
    case 'eventstoredb':
      return (await import('./events/eventstoredb-event-store')).EventStoreDbEventStore.connect(config.eventStoreUrl!);
    case 'postgresql':
      return (await import('./events/postgres-event-store')).PostgresEventStore.connect(config.databaseUrl!);
    default:
      return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
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
