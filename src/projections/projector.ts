import { RecordedEvent } from '../events/envelope';
import { EventStore, Subscription } from '../events/event-store';
import { FailedAt, failedAtOf, foldEvent, foldRun, follows, refKey } from './fold';
import { DocRef, Projection } from './projection';
import { Doc, DocDelete, DocWrite, ReadStore } from './read-store';

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
   * Documents each projection keeps parsed between batches (default 256): the live path then
   * folds a command's events into the documents it wrote last, without reading and parsing them
   * again. The projector is the only writer of its collections, so what it wrote is what is stored.
   */
  documentCacheSize?: number;
  /** Brings old event versions to the current shape before the reducers see them. */
  upcast?: (event: RecordedEvent) => RecordedEvent;
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
const VERSIONS = 'projection_versions';
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_REBUILD_BATCH_SIZE = 10_000;
const DEFAULT_DOCUMENT_CACHE_SIZE = 256;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

interface Runner {
  projection: Projection;
  state: ProjectionState;
  /** Applied through this global position: every later event is still to fold. */
  position: bigint | null;
  subscription: Subscription | null;
  /** Bumped whenever a subscription is abandoned, so its late deliveries are ignored. */
  generation: number;
  /** The delivery being applied (stop waits for it). */
  work: Promise<void>;
  /** The projection's documents as last written (null: known absent), least recently used first. */
  documents: Map<string, Doc | null>;
  failedAt?: FailedAt;
  error?: string;
  retryTimer?: NodeJS.Timeout;
  retryDelay: number;
}

interface Waiter {
  position: bigint;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Runs projections: each follows the global log from its checkpoint through its own subscription
 * (so a failed projection stops alone) and, per batch, loads the documents the events touch once,
 * folds the reducers in order and writes documents and checkpoint in one applyBatch.
 *
 * Subscriptions are NOT filtered by stream in the store: every projection sees every position and
 * skips the streams it does not follow itself, so its position also passes events it has no
 * interest in — waitFor(position) then never hangs on a projection the event does not concern.
 * Such batches still write the checkpoint, which keeps lag and restarts short.
 *
 * A reducer that throws stops its projection AT that event: the batch's documents up to the
 * previous event are written with that previous event's position as checkpoint, nothing of the
 * failing event or after it; the projection is marked failed (status, log) and retried from its
 * checkpoint at the next start. A write or subscription failure (store unreachable) is not a
 * reducer bug: the projection resubscribes from its stored checkpoint with a growing delay.
 */
export class Projector {
  private readonly runners: Runner[];
  private readonly waiters = new Set<Waiter>();
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly logger: ProjectorLogger;
  private readonly documentCacheSize: number;
  private readonly upcast: (event: RecordedEvent) => RecordedEvent;
  private started = false;
  private rebuilding = false;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    projections: Projection[],
    options: ProjectorOptions = {},
  ) {
    const owners = new Map<string, string>();
    for (const projection of projections) {
      for (const name of [projection.name, ...Object.keys(projection.collections).map(c => `collection ${c}`)]) {
        // Resetting one projection must never wipe another's documents.
        if (owners.has(name)) throw new Error(`${name} is claimed by both ${owners.get(name)} and ${projection.name}`);
        owners.set(name, projection.name);
      }
    }
    this.runners = projections.map(projection => ({
      projection,
      state: 'stopped',
      position: null,
      subscription: null,
      generation: 0,
      work: Promise.resolve(),
      documents: new Map(),
      retryDelay: FIRST_RETRY_MS,
    }));
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.rebuildBatchSize = options.rebuildBatchSize ?? options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
    this.logger = options.logger ?? console;
    this.documentCacheSize = options.documentCacheSize ?? DEFAULT_DOCUMENT_CACHE_SIZE;
    this.upcast = options.upcast ?? (event => event);
  }

  /**
   * Declares the collections, rebuilds from zero the projections whose version changed, then
   * follows the log from each checkpoint. A projection that had failed is retried from its
   * checkpoint.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await this.declareCollections();
      for (const runner of this.runners) {
        await this.resetIfVersionChanged(runner.projection);
        runner.position = await this.readStore.getCheckpoint(runner.projection.name);
        this.markRunning(runner);
        this.subscribe(runner);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.notify();
  }

  /** Stops following the log once the batches being applied are written; pending waitFor calls reject. */
  async stop(): Promise<void> {
    this.started = false;
    await this.stopSubscriptions();
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
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.eventStore.headPosition();
    return this.runners.map(runner => {
      const lag = head === null ? 0n : head - (runner.position ?? 0n);
      return {
        name: runner.projection.name,
        status: runner.state,
        position: runner.position === null ? null : runner.position.toString(),
        lag: Number(lag > 0n ? lag : 0n),
        ...(runner.failedAt ? { failedAt: runner.failedAt } : {}),
        ...(runner.error ? { error: runner.error } : {}),
      };
    });
  }

  /**
   * Rebuilds every projection from zero: stops following, resets documents and checkpoints,
   * replays the whole log through the same batch code as the live path, then follows the log
   * again if the projector was started. Progress is reported in global positions (done, total =
   * head at the start, or more if the log grew): event counts on the embedded store.
   */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<void> {
    if (this.rebuilding) throw new Error('A rebuild is already running');
    this.rebuilding = true;
    try {
      await this.stopSubscriptions();
      await this.declareCollections();
      for (const runner of this.runners) {
        await this.reset(runner.projection);
        runner.position = null;
        this.markRunning(runner);
      }
      const head = await this.eventStore.headPosition();
      let total = Number(head ?? 0n);
      let chunk: RecordedEvent[] = [];
      const replay = async (): Promise<void> => {
        for (const runner of this.runners) if (runner.state === 'running') await this.applyEvents(runner, chunk);
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
      this.logger.log(`Projections rebuilt up to position ${String(head ?? 0n)}`);
    } finally {
      this.rebuilding = false;
      for (const runner of this.runners) {
        if (runner.state !== 'running') continue;
        if (this.started) this.subscribe(runner);
        else runner.state = 'stopped';
      }
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
    runner.retryDelay = FIRST_RETRY_MS;
  }

  private subscribe(runner: Runner): void {
    const generation = ++runner.generation;
    runner.subscription = this.eventStore.subscribeAll(runner.position, events => this.receive(runner, generation, events), {
      onError: error => this.retryLater(runner, generation, error),
    });
  }

  private async stopSubscriptions(): Promise<void> {
    await Promise.all(
      this.runners.map(async runner => {
        runner.generation++;
        clearTimeout(runner.retryTimer);
        runner.retryTimer = undefined;
        const subscription = runner.subscription;
        runner.subscription = null;
        await subscription?.stop();
        await runner.work;
      }),
    );
  }

  private async receive(runner: Runner, generation: number, delivered: RecordedEvent[]): Promise<void> {
    const work = (async () => {
      for (let start = 0; start < delivered.length; start += this.batchSize) {
        if (generation !== runner.generation || runner.state !== 'running') return;
        // A redelivery after a resubscription must not fold an event twice.
        const events = delivered.slice(start, start + this.batchSize).filter(e => runner.position === null || e.position > runner.position);
        if (events.length > 0 && !(await this.applyEvents(runner, events))) return;
      }
      if (runner.error) {
        this.logger.log(`Projection ${runner.projection.name} is writing again`);
        runner.error = undefined;
        runner.retryDelay = FIRST_RETRY_MS;
      }
    })();
    runner.work = work.catch(() => undefined);
    try {
      await work;
    } catch (error) {
      this.retryLater(runner, generation, error);
    }
  }

  /**
   * Folds `events` and writes the result with the last folded position as checkpoint. Returns
   * false when a reducer threw: the events before it are written, the projection is failed.
   */
  private async applyEvents(runner: Runner, events: RecordedEvent[]): Promise<boolean> {
    const { projection } = runner;
    let failure: { event: RecordedEvent; error: unknown } | null = null;
    const plan: Array<{ event: RecordedEvent; refs: DocRef[] }> = [];
    for (const recorded of events) {
      if (!follows(projection, recorded.stream)) {
        plan.push({ event: recorded, refs: [] });
        continue;
      }
      try {
        const event = this.upcast(recorded);
        plan.push({ event, refs: projection.keysOf(event) });
      } catch (error) {
        failure = { event: recorded, error };
        break;
      }
    }

    // Each document is read once per batch, however many events touch it.
    const documents = new Map<string, { ref: DocRef; doc: Doc | null; changed: boolean }>();
    for (const { refs } of plan) for (const ref of refs) documents.set(refKey(ref), { ref, doc: null, changed: false });
    await Promise.all(
      [...documents].map(async ([key, entry]) => {
        const cached = runner.documents.get(key);
        entry.doc = cached !== undefined ? cached : await this.readStore.get(entry.ref.collection, entry.ref.id);
      }),
    );

    // Reducers return the very document they were given when an event changes nothing (a replay).
    const stage = (key: string, doc: Doc | null): void => {
      const entry = documents.get(key)!;
      if (doc !== entry.doc) Object.assign(entry, { doc, changed: true });
    };
    let applied: bigint | null = null;
    if (failure === null && plan.length > 0) {
      // The whole batch in one pass per document; if a reducer throws, the event-by-event fold
      // below finds the event and keeps what came before it.
      try {
        for (const [key, { doc }] of foldRun(projection, plan, ref => documents.get(refKey(ref))!.doc)) stage(key, doc);
        applied = plan[plan.length - 1].event.position;
      } catch {
        applied = null;
      }
    }
    for (const { event, refs } of applied === null ? plan : []) {
      let staged: Map<string, { ref: DocRef; doc: Doc | null }>;
      try {
        staged = foldEvent(projection, event, refs, ref => documents.get(refKey(ref))!.doc);
      } catch (error) {
        failure = { event, error };
        break;
      }
      for (const [key, { doc }] of staged) stage(key, doc);
      applied = event.position;
    }

    if (applied !== null) {
      const upserts: DocWrite[] = [];
      const deletes: DocDelete[] = [];
      for (const { ref, doc, changed } of documents.values()) {
        if (!changed) continue;
        if (doc === null) deletes.push({ collection: ref.collection, id: ref.id });
        else upserts.push({ collection: ref.collection, id: ref.id, doc });
      }
      await this.readStore.applyBatch(projection.name, upserts, deletes, applied);
      this.remember(runner, documents);
      runner.position = applied;
      this.notify();
    }
    if (failure) this.fail(runner, failure.event, failure.error);
    return failure === null;
  }

  /** Keeps the batch's documents as written, the most recent last, within the cache size. */
  private remember(runner: Runner, documents: Map<string, { doc: Doc | null }>): void {
    for (const [key, { doc }] of documents) {
      runner.documents.delete(key);
      runner.documents.set(key, doc);
    }
    for (const key of runner.documents.keys()) {
      if (runner.documents.size <= this.documentCacheSize) break;
      runner.documents.delete(key);
    }
  }

  private fail(runner: Runner, event: RecordedEvent, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    runner.state = 'failed';
    runner.failedAt = failedAtOf(event);
    runner.error = message;
    this.abandonSubscription(runner);
    this.logger.error(
      `PROJECTION ${runner.projection.name} STOPPED at ${event.type} (${event.stream}#${event.revision}, position ${event.position}): ${message}. ` +
        `Its documents stay at position ${String(runner.position ?? 'none')}; it retries this event at the next start (fix the reducer first).`,
    );
    this.notify();
  }

  /** The store could not be read or written: resubscribe from the stored checkpoint later. */
  private retryLater(runner: Runner, generation: number, error: unknown): void {
    if (generation !== runner.generation || runner.state !== 'running') return;
    const message = error instanceof Error ? error.message : String(error);
    runner.error = message;
    this.abandonSubscription(runner);
    this.logger.error(`Projection ${runner.projection.name}: ${message}; resubscribing from its checkpoint in ${runner.retryDelay} ms`);
    runner.retryTimer = setTimeout(() => void this.resume(runner), runner.retryDelay);
    runner.retryTimer.unref();
    runner.retryDelay = Math.min(runner.retryDelay * 2, LAST_RETRY_MS);
  }

  private async resume(runner: Runner): Promise<void> {
    runner.retryTimer = undefined;
    if (!this.started || runner.state !== 'running') return;
    const generation = runner.generation;
    // After a write failure, the store is the reference again.
    runner.documents.clear();
    try {
      runner.position = await this.readStore.getCheckpoint(runner.projection.name);
    } catch (error) {
      this.retryLater(runner, generation, error);
      return;
    }
    if (generation === runner.generation) this.subscribe(runner);
  }

  /** Stops a subscription from inside its own handler: not awaited, later deliveries are ignored. */
  private abandonSubscription(runner: Runner): void {
    runner.generation++;
    const subscription = runner.subscription;
    runner.subscription = null;
    subscription?.stop().catch(error => this.logger.error(`Projection ${runner.projection.name}: stopping its subscription failed: ${String(error)}`));
  }

  private caughtUp(position: bigint): boolean {
    return this.behind(position).length === 0;
  }

  private behind(position: bigint): string[] {
    return this.runners
      .filter(runner => runner.state === 'running' && (runner.position === null || runner.position < position))
      .map(runner => runner.projection.name);
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
