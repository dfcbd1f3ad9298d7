import { LRUCache } from 'lru-cache';
import { type RecordedEvent } from '../events/envelope';
import { type EventStore, type Subscription } from '../events/event-store';
import { type FailedAt, failedAtOf, foldEvent, foldRun, follows, refKey } from './fold';
import { type DocRef, type Projection, ownDocuments } from './projection';
import { WrittenDocuments } from './written-documents';
import { ALWAYS_HELD, type ProjectorLease } from './projector-lease';
import { CheckpointMoved, type Doc, type DocDelete, type DocWrite, type ProjectionBatch, type ReadStore } from './read-store';

export interface ProjectorLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface ProjectorOptions {
  /** Most events folded into one applyBatch (default 500). */
  batchSize?: number;
  /**
   * Most events per applyBatch during a rebuild (default: batchSize when given, else 10,000): a
   * document touched all along the log is then read, parsed and written once per chunk rather
   * than once per 500 events.
   */
  rebuildBatchSize?: number;
  logger?: ProjectorLogger;
  /**
   * Bytes a rebuild spends remembering which documents it wrote since its reset (default 16 MiB),
   * so it does not ask the store for each new one; fixed whatever the size of the log.
   */
  rebuildWrittenBytes?: number;
  /**
   * Documents each projection keeps parsed between batches (default 256): the live path then
   * folds a command's events into the documents it wrote last, without reading and parsing them
   * again. The projector is the only writer of its collections, so what it wrote is what is stored.
   */
  documentCacheSize?: number;
  /** Brings old event versions to the current shape before the reducers see them. */
  upcast?: (event: RecordedEvent) => RecordedEvent;
  /**
   * After a live delivery smaller than a batch, the projector waits this long before reading the
   * log again (default 2 ms), so a burst of commands is folded and committed in one transaction
   * instead of one per command. Read-your-writes waits at most this much longer.
   */
  liveBatchDelayMs?: number;
  /**
   * The right to project into shared read models (default: always held, the embedded store's
   * case). Without it the projector follows: it reads the checkpoints the holder writes (so
   * waitFor still answers) and tries to take the lease every leasePollMs.
   */
  lease?: ProjectorLease;
  /** How often an instance that does not project tries the lease (default 1 s). */
  leasePollMs?: number;
  /** How often an instance that does not project reads the checkpoints while a request waits for them (default 20 ms). */
  followPollMs?: number;
}

export type ProjectionState = 'running' | 'failed' | 'stopped';

export interface ProjectionStatus {
  name: string;
  status: ProjectionState;
  /** Global position applied (documents and checkpoint written); null before the first event. */
  position: string | null;
  /** Head of the log minus `position`, in position units (events, on the embedded store). */
  lag: number;
  failedAt?: FailedAt;
  error?: string;
}

/** waitFor's deadline passed: the named projections have not applied the position yet. */
export class ProjectionsBehind extends Error {
  constructor(
    readonly position: bigint,
    readonly projections: string[],
    timeoutMs: number,
  ) {
    super(`Projections ${projections.join(', ')} have not reached position ${position} after ${timeoutMs} ms`);
    this.name = 'ProjectionsBehind';
  }
}

/** Which version of its reducers built each projection's documents (put directly, one doc per projection). */
export const VERSIONS = 'projection_versions';
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_REBUILD_BATCH_SIZE = 10_000;
const DEFAULT_DOCUMENT_CACHE_SIZE = 256;
const DEFAULT_REBUILD_WRITTEN_BYTES = 16 * 2 ** 20;
const DEFAULT_LIVE_BATCH_DELAY_MS = 2;
const DEFAULT_LEASE_POLL_MS = 1000;
const DEFAULT_FOLLOW_POLL_MS = 20;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

interface Runner {
  projection: Projection;
  state: ProjectionState;
  /** Applied through this global position: every later event is still to fold. */
  position: bigint | null;
  /** The projection's documents as last written (null: known absent), the least recently written dropped first. */
  documents: LRUCache<string, { doc: Doc | null }>;
  failedAt?: FailedAt;
  error?: string;
}

interface Waiter {
  position: bigint;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One projection's share of a delivery: what to write, and where its reducers stopped if they threw. */
interface Folded {
  runner: Runner;
  batch: ProjectionBatch | null;
  documents: Map<string, { doc: Doc | null }>;
  failure: { event: RecordedEvent; error: unknown } | null;
}

/**
 * Runs projections over one subscription to the global log: each delivery is folded by every
 * running projection (from its own checkpoint) and all their documents and checkpoints are
 * written in ONE read-store transaction — the log is read once and committed once per delivery,
 * not once per projection.
 *
 * Every projection sees every position and skips the streams it does not follow itself, so its
 * checkpoint also passes events it has no interest in — waitFor(position) then never hangs on a
 * projection the event does not concern.
 *
 * A reducer that throws stops ITS projection at that event: its documents up to the previous
 * event are written with that previous event's position as checkpoint, nothing of the failing
 * event or after it; it is marked failed (status, log) while the others go on, and is retried
 * from its checkpoint at the next start. A write or subscription failure (store unreachable) is
 * not a reducer bug: the projector resubscribes from the stored checkpoints with a growing delay.
 */
export class Projector {
  private readonly runners: Runner[];
  private readonly waiters = new Set<Waiter>();
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly logger: ProjectorLogger;
  private readonly upcast: (event: RecordedEvent) => RecordedEvent;
  private readonly liveBatchDelayMs: number;
  private started = false;
  private rebuilding = false;
  /**
   * A rebuild's write in flight: the next chunk is folded meanwhile (the server writes while
   * this process folds). A document read from the store waits for it; waitFor counts nothing
   * folded as done until it is written.
   */
  private pendingWrite: Promise<void> | null = null;
  private subscription: Subscription | null = null;
  /** Bumped whenever the subscription is abandoned, so its late deliveries are ignored. */
  private generation = 0;
  /** The delivery being applied (stop waits for it). */
  private work: Promise<void> = Promise.resolve();
  private retryTimer?: NodeJS.Timeout;
  private retryDelay = FIRST_RETRY_MS;
  /** The last write failure, until a delivery is written again. */
  private writeError: string | null = null;
  /**
   * During a rebuild, the documents written since the reset (refKey): any other is known absent,
   * so the replay does not ask the store for each new document.
   */
  private rebuildWritten: WrittenDocuments | null = null;
  private readonly rebuildWrittenBytes: number;
  private readonly lease: ProjectorLease;
  private readonly leasePollMs: number;
  private readonly followPollMs: number;
  /** Holds the lease and folds the log; false: follows the checkpoints another instance writes. */
  private leading = false;
  private leaseTimer?: NodeJS.Timeout;
  private followTimer?: NodeJS.Timeout;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    projections: Projection[],
    options: ProjectorOptions = {},
  ) {
    const owners = new Map<string, string>();
    for (const projection of projections) {
      for (const name of [projection.name, ...Object.keys(projection.collections).map((c) => `collection ${c}`)]) {
        // Resetting one projection must never wipe another's documents.
        if (owners.has(name)) throw new Error(`${name} is claimed by both ${owners.get(name)} and ${projection.name}`);
        owners.set(name, projection.name);
      }
    }
    const documentCacheSize = options.documentCacheSize ?? DEFAULT_DOCUMENT_CACHE_SIZE;
    this.runners = projections.map((projection) => ({ projection, state: 'stopped', position: null, documents: new LRUCache({ max: documentCacheSize }) }));
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.rebuildBatchSize = Math.min(
      options.rebuildBatchSize ?? options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE,
      readStore.maxEventsPerTransaction ?? Infinity,
    );
    this.logger = options.logger ?? console;
    this.upcast = options.upcast ?? ((event) => event);
    this.liveBatchDelayMs = options.liveBatchDelayMs ?? DEFAULT_LIVE_BATCH_DELAY_MS;
    this.rebuildWrittenBytes = options.rebuildWrittenBytes ?? DEFAULT_REBUILD_WRITTEN_BYTES;
    this.lease = options.lease ?? ALWAYS_HELD;
    this.leasePollMs = options.leasePollMs ?? DEFAULT_LEASE_POLL_MS;
    this.followPollMs = options.followPollMs ?? DEFAULT_FOLLOW_POLL_MS;
    this.lease.onLost((error) => void this.leaseLost(error));
  }

  /** Whether this instance projects (holds the lease); the others follow its checkpoints. */
  get active(): boolean {
    return this.started && this.leading;
  }

  /**
   * Declares the collections; with the lease, rebuilds from zero the projections whose version
   * changed, then follows the log from the checkpoints (a projection that had failed is retried
   * from its checkpoint); without it, follows the holder's checkpoints and tries the lease again
   * every leasePollMs, taking over when its holder is gone.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await this.declareCollections();
      if (await this.lease.tryAcquire()) await this.lead();
      else await this.follow();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** With the lease: resets what changed version, then folds the log from the checkpoints. */
  private async lead(): Promise<void> {
    for (const runner of this.runners) {
      await this.resetIfVersionChanged(runner.projection);
      runner.position = await this.readStore.getCheckpoint(runner.projection.name);
      this.markRunning(runner);
    }
    this.leading = true;
    this.subscribe();
    this.notify();
  }

  /** Without it: the checkpoints are the holder's, read from the store; the lease is tried again later. */
  private async follow(): Promise<void> {
    this.leading = false;
    for (const runner of this.runners) this.markRunning(runner);
    await this.readCheckpoints();
    this.tryLeaseLater();
  }

  private tryLeaseLater(): void {
    clearTimeout(this.leaseTimer);
    this.leaseTimer = setTimeout(() => void this.tryLease(), this.leasePollMs);
    this.leaseTimer.unref();
  }

  private async tryLease(): Promise<void> {
    if (!this.started || this.leading) return;
    try {
      if (await this.lease.tryAcquire()) {
        if (!this.started) return;
        this.logger.log('Projections: this instance projects now (the lease was free)');
        await this.lead();
        return;
      }
      await this.readCheckpoints();
    } catch (error) {
      // Taken but the store failed while starting: give it back for another instance, try again later.
      this.logger.error(`Projections: taking over failed: ${error instanceof Error ? error.message : String(error)}`);
      this.leading = false;
      await this.lease.release();
    }
    if (this.started && !this.leading) this.tryLeaseLater();
  }

  private async leaseLost(error: Error): Promise<void> {
    if (!this.started || !this.leading) return;
    this.logger.error(`Projections: the lease was lost (${error.message}); this instance follows the checkpoints until it takes it again`);
    this.leading = false;
    await this.stopSubscription();
    if (this.started) await this.follow().catch(() => this.tryLeaseLater());
  }

  /** A follower's positions: the checkpoints the holder wrote. */
  private async readCheckpoints(): Promise<void> {
    const positions = await Promise.all(this.runners.map((runner) => this.readStore.getCheckpoint(runner.projection.name)));
    if (this.leading) return;
    this.runners.forEach((runner, i) => (runner.position = positions[i]));
    this.notify();
  }

  /** While a request waits for a position, a follower reads the checkpoints every followPollMs. */
  private followCheckpoints(): void {
    if (this.followTimer || this.leading || !this.started) return;
    this.followTimer = setTimeout(() => {
      void (async () => {
        try {
          await this.readCheckpoints();
        } catch {
          // The store unreachable: the waiters time out as ProjectionsBehind.
        }
        this.followTimer = undefined;
        if (this.waiters.size > 0) this.followCheckpoints();
      })();
    }, this.followPollMs);
  }

  /** Stops following the log once the delivery being applied is written; pending waitFor calls reject. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.leaseTimer);
    clearTimeout(this.followTimer);
    this.followTimer = undefined;
    await this.stopSubscription();
    this.leading = false;
    await this.lease.release();
    for (const runner of this.runners) if (runner.state === 'running') runner.state = 'stopped';
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('Projector stopped'));
    }
    this.waiters.clear();
  }

  /**
   * Resolves once every running projection has applied `position` (the documents are readable).
   * Failed projections are left out — they are reported by status() and the health endpoint —
   * so a command whose events are stored does not report an error because of an unrelated
   * reducer bug. Rejects with ProjectionsBehind after timeoutMs.
   */
  waitFor(position: bigint, timeoutMs = 5000): Promise<void> {
    if (this.caughtUp(position)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ProjectionsBehind(position, this.behind(position), timeoutMs));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.followCheckpoints();
    });
  }

  /**
   * The projections stopped at an event they cannot fold, from what the projector holds in
   * memory: no store is asked, so every page can show them.
   */
  stopped(): Array<{ name: string; failedAt?: FailedAt }> {
    return this.runners.filter((r) => r.state === 'failed').map((r) => ({ name: r.projection.name, ...(r.failedAt ? { failedAt: r.failedAt } : {}) }));
  }

  async status(): Promise<ProjectionStatus[]> {
    // The store unreachable: the positions last read, and the pings say what is wrong.
    if (this.started && !this.leading) await this.readCheckpoints().catch(() => undefined);
    const head = await this.eventStore.headPosition();
    return this.runners.map((runner) => {
      const lag = head === null ? 0n : head - (runner.position ?? 0n);
      const error = runner.error ?? (runner.state === 'running' ? this.writeError : null);
      return {
        name: runner.projection.name,
        status: runner.state,
        position: runner.position === null ? null : runner.position.toString(),
        lag: Number(lag > 0n ? lag : 0n),
        ...(runner.failedAt ? { failedAt: runner.failedAt } : {}),
        ...(error ? { error } : {}),
      };
    });
  }

  /**
   * Rebuilds every projection from zero: stops following, resets documents and checkpoints,
   * replays the whole log through the same fold and write as the live path, then follows the log
   * again if the projector was started. Progress is reported in global positions (done, total =
   * head at the start, or more if the log grew): event counts on the embedded store.
   */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<void> {
    if (this.rebuilding) throw new Error('A rebuild is already running');
    this.rebuilding = true;
    let failed = false;
    try {
      await this.stopSubscription();
      await this.declareCollections();
      for (const runner of this.runners) {
        await this.reset(runner.projection);
        runner.position = null;
        this.markRunning(runner);
      }
      this.rebuildWritten = new WrittenDocuments(this.rebuildWrittenBytes);
      const head = await this.eventStore.headPosition();
      let total = Number(head ?? 0n);
      let chunk: RecordedEvent[] = [];
      const replay = async (): Promise<void> => {
        const batches = this.settle(await this.foldAll(chunk));
        // The previous chunk's write ends first (its failure stops the rebuild here), then this one's starts.
        await this.pendingWrite;
        const write: Promise<void> = (async () => {
          if (batches.length > 0) await this.readStore.applyBatches(batches);
        })().then(() => {
          if (this.pendingWrite !== write) return;
          this.pendingWrite = null;
          this.notify();
        });
        write.catch(() => undefined);
        this.pendingWrite = write;
        const done = Number(chunk[chunk.length - 1].position);
        total = Math.max(total, done);
        onProgress?.(done, total);
        chunk = [];
      };
      for await (const event of this.eventStore.readAll()) {
        chunk.push(event);
        if (chunk.length >= this.rebuildBatchSize) await replay();
      }
      if (chunk.length > 0) await replay();
      await this.pendingWrite;
      this.logger.log(`Projections rebuilt up to position ${String(head ?? 0n)}`);
    } catch (error) {
      // What was folded may not all be written: the store's checkpoints are the reference again.
      failed = true;
      for (const runner of this.runners) runner.documents.clear();
      throw error;
    } finally {
      this.pendingWrite = null;
      this.rebuilding = false;
      this.rebuildWritten = null;
      if (this.started && this.leading) {
        if (failed) void this.resume();
        else this.subscribe();
      } else for (const runner of this.runners) if (runner.state === 'running') runner.state = 'stopped';
    }
  }

  private async declareCollections(): Promise<void> {
    await this.readStore.declareCollection(VERSIONS, { indexes: [] });
    for (const { projection } of this.runners) {
      for (const [name, spec] of Object.entries(projection.collections)) await this.readStore.declareCollection(name, spec);
    }
  }

  private async resetIfVersionChanged(projection: Projection): Promise<void> {
    const stored = await this.readStore.get<{ version: number }>(VERSIONS, projection.name);
    if (stored?.version === projection.version) return;
    if (stored) this.logger.log(`Projection ${projection.name}: version ${stored.version} -> ${projection.version}, rebuilding from zero`);
    await this.reset(projection);
  }

  /**
   * The version record is removed first and written back last: after a crash in between (or a
   * reset the store could not make atomic), the next start finds no version and resets again.
   */
  private async reset(projection: Projection): Promise<void> {
    await this.readStore.remove(VERSIONS, projection.name);
    await this.readStore.resetProjection(projection.name, Object.keys(projection.collections));
    await this.readStore.put(VERSIONS, projection.name, { version: projection.version });
  }

  private markRunning(runner: Runner): void {
    // A start or a rebuild reads the documents from the store again (another process may have written them).
    runner.documents.clear();
    runner.state = 'running';
    runner.failedAt = undefined;
    runner.error = undefined;
  }

  /** Follows the log from the earliest checkpoint of the running projections. */
  private subscribe(): void {
    const running = this.runners.filter((r) => r.state === 'running');
    if (running.length === 0) return;
    const from = running.some((r) => r.position === null) ? null : running.reduce((min, r) => (r.position! < min ? r.position! : min), running[0].position!);
    const generation = ++this.generation;
    this.subscription = this.eventStore.subscribeAll(from, (events) => this.receive(generation, events), {
      onError: (error) => this.retryLater(generation, error),
    });
  }

  private async stopSubscription(): Promise<void> {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.work;
  }

  private async receive(generation: number, delivered: RecordedEvent[]): Promise<void> {
    const work = (async () => {
      for (let start = 0; start < delivered.length; start += this.batchSize) {
        if (generation !== this.generation) return;
        await this.apply(delivered.slice(start, start + this.batchSize));
      }
      if (this.writeError) {
        this.logger.log('Projections are writing again');
        this.writeError = null;
        this.retryDelay = FIRST_RETRY_MS;
      }
      if (delivered.length < this.batchSize && this.liveBatchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.liveBatchDelayMs));
    })();
    this.work = work.catch(() => undefined);
    try {
      await work;
    } catch (error) {
      if (error instanceof CheckpointMoved && generation === this.generation && this.started) {
        // A rebuild was switched in (projections:rebuild with the server running): follow on from its checkpoints.
        this.logger.log(`Projections: the read models were rebuilt and switched in; following the log from their checkpoints`);
        this.abandonSubscription();
        await this.resume();
        return;
      }
      this.retryLater(generation, error);
    }
  }

  /**
   * Folds `events` into every running projection (each from its own checkpoint: a redelivery
   * after a resubscription must not fold an event twice) and writes all of it in one
   * transaction. A projection whose reducer threw is failed after the write, which holds what
   * it folded before that event.
   */
  private async apply(events: RecordedEvent[]): Promise<void> {
    const folded = await this.foldAll(events);
    const batches = folded.flatMap((f) => (f.batch ? [f.batch] : []));
    if (batches.length > 0) await this.readStore.applyBatches(batches);
    this.settle(folded);
    this.notify();
  }

  private foldAll(events: RecordedEvent[]): Promise<Folded[]> {
    return Promise.all(
      this.runners
        .filter((runner) => runner.state === 'running')
        .map((runner) => this.fold(runner, runner.position === null ? events : events.filter((e) => e.position > runner.position!))),
    );
  }

  /** Takes a delivery's folds as this projector's state (documents, checkpoints, failures); returns their batches. */
  private settle(folded: Folded[]): ProjectionBatch[] {
    for (const { runner, batch, documents, failure } of folded) {
      if (batch) {
        if (this.rebuildWritten) for (const key of documents.keys()) this.rebuildWritten.add(key);
        this.remember(runner, documents);
        runner.position = batch.checkpoint;
      }
      if (failure) this.fail(runner, failure.event, failure.error);
    }
    return folded.flatMap((f) => (f.batch ? [f.batch] : []));
  }

  /**
   * Folds `events` into one projection's documents. The batch is null when nothing was folded
   * (no event for it, or its reducer threw at the first one).
   */
  private async fold(runner: Runner, events: RecordedEvent[]): Promise<Folded> {
    const { projection } = runner;
    let failure: Folded['failure'] = null;
    const plan: Array<{ event: RecordedEvent; refs: DocRef[] }> = [];
    for (const recorded of events) {
      if (!follows(projection, recorded.stream)) {
        plan.push({ event: recorded, refs: [] });
        continue;
      }
      try {
        const event = this.upcast(recorded);
        plan.push({ event, refs: ownDocuments(projection, event) });
      } catch (error) {
        failure = { event: recorded, error };
        break;
      }
    }

    // Each document is taken once per delivery, however many events touch it: from the cache of
    // what this projection last wrote, else from the store.
    const documents = new Map<string, { ref: DocRef; doc: Doc | null; changed: boolean }>();
    for (const { refs } of plan) for (const ref of refs) documents.set(refKey(ref), { ref, doc: null, changed: false });
    await Promise.all(
      [...documents].map(async ([key, entry]) => {
        const cached = runner.documents.peek(key);
        if (cached !== undefined) entry.doc = cached.doc;
        else if (this.rebuildWritten && !this.rebuildWritten.mayHave(key)) entry.doc = null;
        else {
          // A document the write in flight may hold is read once it is written (its failure is the rebuild's).
          await this.pendingWrite?.catch(() => undefined);
          entry.doc = await this.readStore.get(entry.ref.collection, entry.ref.id);
        }
      }),
    );

    // Reducers return the very document they were given when an event changes nothing (a replay).
    const stage = (key: string, doc: Doc | null): void => {
      const entry = documents.get(key)!;
      if (doc !== entry.doc) Object.assign(entry, { doc, changed: true });
    };
    let applied: bigint | null = null;
    if (failure === null && plan.length > 0) {
      // The whole delivery in one pass per document; if a reducer throws, the event-by-event fold
      // below finds the event and keeps what came before it.
      try {
        for (const [key, { doc }] of foldRun(projection, plan, (ref) => documents.get(refKey(ref))!.doc)) stage(key, doc);
        applied = plan[plan.length - 1].event.position;
      } catch {
        applied = null;
      }
    }
    for (const { event, refs } of applied === null ? plan : []) {
      let staged: Map<string, { ref: DocRef; doc: Doc | null }>;
      try {
        staged = foldEvent(projection, event, refs, (ref) => documents.get(refKey(ref))!.doc);
      } catch (error) {
        failure = { event, error };
        break;
      }
      for (const [key, { doc }] of staged) stage(key, doc);
      applied = event.position;
    }
    if (applied === null) return { runner, batch: null, documents, failure };
    const upserts: DocWrite[] = [];
    const deletes: DocDelete[] = [];
    for (const { ref, doc, changed } of documents.values()) {
      if (!changed) continue;
      if (doc === null) deletes.push({ collection: ref.collection, id: ref.id });
      else upserts.push({ collection: ref.collection, id: ref.id, doc });
    }
    return { runner, batch: { projection: projection.name, upserts, deletes, checkpoint: applied, after: runner.position }, documents, failure };
  }

  /** Keeps the delivery's documents as written, the most recent last, within the cache size. */
  private remember(runner: Runner, documents: Map<string, { doc: Doc | null }>): void {
    for (const [key, { doc }] of documents) runner.documents.set(key, { doc });
  }

  private fail(runner: Runner, event: RecordedEvent, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    runner.state = 'failed';
    runner.failedAt = failedAtOf(event);
    runner.error = message;
    this.logger.error(
      `PROJECTION ${runner.projection.name} STOPPED at ${event.type} (${event.stream}#${event.revision}, position ${event.position}): ${message}. ` +
        `Its documents stay at position ${String(runner.position ?? 'none')}; it retries this event at the next start (fix the reducer first).`,
    );
  }

  /** The store could not be read or written: resubscribe from the stored checkpoints later. */
  private retryLater(generation: number, error: unknown): void {
    if (generation !== this.generation || !this.started) return;
    const message = error instanceof Error ? error.message : String(error);
    this.writeError = message;
    this.abandonSubscription();
    const names = this.runners
      .filter((r) => r.state === 'running')
      .map((r) => r.projection.name)
      .join(', ');
    this.logger.error(`Projections ${names}: ${message}; resubscribing from their checkpoints in ${this.retryDelay} ms`);
    this.retryTimer = setTimeout(() => void this.resume(), this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, LAST_RETRY_MS);
  }

  private async resume(): Promise<void> {
    this.retryTimer = undefined;
    if (!this.started) return;
    const generation = this.generation;
    try {
      for (const runner of this.runners) {
        if (runner.state !== 'running') continue;
        // After a write failure, the store is the reference again.
        runner.documents.clear();
        runner.position = await this.readStore.getCheckpoint(runner.projection.name);
      }
    } catch (error) {
      this.retryLater(generation, error);
      return;
    }
    if (generation === this.generation) this.subscribe();
  }

  /** Stops the subscription from inside its own handler: not awaited, later deliveries are ignored. */
  private abandonSubscription(): void {
    this.generation++;
    const subscription = this.subscription;
    this.subscription = null;
    subscription?.stop().catch((error) => this.logger.error(`Projections: stopping the subscription failed: ${String(error)}`));
  }

  private caughtUp(position: bigint): boolean {
    if (this.pendingWrite) return false;
    return this.behind(position).length === 0;
  }

  private behind(position: bigint): string[] {
    return this.runners
      .filter((runner) => runner.state === 'running' && (runner.position === null || runner.position < position))
      .map((runner) => runner.projection.name);
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (!this.caughtUp(waiter.position)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
