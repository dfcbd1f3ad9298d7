import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { type Clock } from '../domain/fiscal-year';
import { type NewEvent, type RecordedEvent } from '../events/envelope';
import { type EventStore, WrongExpectedRevision } from '../events/event-store';
import { chainEvents } from '../events/hash-chain';
import { SCHEMA_VERSIONS, upcast } from '../events/upcasters';
import { type CommandContext } from './command-context';

export interface Fold<S, E> {
  /** A new state each call: the writer's copy of a stream is its own. */
  initial(): S;
  evolve(state: S, event: E): S;
  /**
   * Optional: the same as events.reduce(evolve, state), written into `state` itself (the writer
   * is the only holder of its copy): a long stream's command then costs no copy of its state.
   */
  evolveInto?(state: S, events: E[]): S;
}

/**
 * A stream's state folded up to `revision`, kept hot in memory. The writer advances a snapshot in
 * place, all its fields together and synchronously: whoever holds one reads a consistent
 * (state, revision, hash) — the latest — and reads it at once.
 */
export interface StreamSnapshot<S> {
  stream: string;
  state: S;
  /** null: the stream does not exist yet. */
  revision: number | null;
  lastHash: string;
  /** Commands already applied to this stream: a retry answers their outcome again. */
  commands: Map<string, { revision: number; position: string }>;
}

export interface Outcome<A = undefined> {
  /** The stream's revision with the command in: its last event's (the stream's, when it appended nothing). */
  revision: number | null;
  /** Global position of the last event written (or found, for a retried command). */
  position: bigint | null;
  appended: number;
  /**
   * What the command's answer needs, read from the stream's state at `revision`: never the
   * writer's live copy, which later commands move on while the caller waits for the projections.
   */
  answer: A;
}

/** Conflicts a command meets before giving up (each one means another command landed first). */
const MAX_ATTEMPTS = 10;
/** The wait before attempt n + 1: 1, 2, 4 … ms, at most 64, so writers racing on one stream spread out. */
const backoffMs = (attempt: number): number => Math.min(64, 2 ** (attempt - 1));
/**
 * A ledger command reads up to four streams (the coop, the department's chart, the year and the
 * previous year): 512 keeps about 170 coops' commands hot. An LRU smaller than the streams a
 * round of commands cycles through misses on every access (256 did, over 100 coops).
 */
const HOT_STREAMS = 512;

export interface StreamWriterOptions {
  /** Streams kept hot (least recently used dropped first). */
  hotStreams?: number;
  /** Waits between attempts after a conflict (tests note the waits instead). */
  pause?: (ms: number) => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic UUID-shaped id from the command id: a retried command rewrites the same ids. */
export function eventIdFor(commandId: string, stream: string, index: number): string {
  const h = createHash('sha256').update(`${commandId}\u0000${stream}\u0000${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Load → fold → decide → append with the expected revision → on a conflict, catch up and decide
 * again (so a decision is retried only while it still holds). Returns once the events are durably
 * appended: waiting for the read models is the caller's choice (ProjectedCommandBus).
 * Streams are folded once and kept hot (LRU), catching up from their revision on each use, which
 * also picks up events another process (the CLI) appended.
 */
export class StreamWriter {
  private readonly hot: LRUCache<string, StreamSnapshot<unknown>>;
  private readonly pause: (ms: number) => Promise<void>;
  /**
   * The last command queued on each stream: commands of this process on one stream run one after
   * the other, so they never conflict with each other (under load, racing ones could exhaust their
   * retries and answer 409 to a client that sent no revision). Conflicts come from other processes only.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    options: StreamWriterOptions = {},
  ) {
    this.hot = new LRUCache({ max: options.hotStreams ?? HOT_STREAMS });
    this.pause = options.pause ?? sleep;
  }

  async load<S, E extends { type: string; data: unknown }>(stream: string, fold: Fold<S, E>): Promise<StreamSnapshot<S>> {
    let snapshot = this.hot.get(stream) as StreamSnapshot<S> | undefined;
    const fromRevision = snapshot?.revision == null ? 0 : snapshot.revision + 1;
    const newer = await this.store.readStream(stream, { fromRevision });
    // The snapshot may have been dropped (a conflict) or advanced (our own append) meanwhile.
    snapshot = (this.hot.get(stream) as StreamSnapshot<S> | undefined) ?? { stream, state: fold.initial(), revision: null, lastHash: '', commands: new Map() };
    this.advance(snapshot, newer, fold);
    this.touch(stream, snapshot);
    return snapshot;
  }

  execute<S, E extends { type: string; data: unknown }, A = undefined>(
    stream: string,
    fold: Fold<S, E>,
    /** head: the hash of the stream's last event ('' for a new stream), for decisions bound to it. */
    decide: (state: S, head: { hash: string }) => E[],
    context: CommandContext,
    department?: string,
    answerOf: (state: S) => A = () => undefined as A,
  ): Promise<Outcome<A>> {
    const run = () => this.decideAndAppend(stream, fold, decide, context, department, answerOf);
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const outcome = previous.then(run, run);
    const tail = outcome.catch(() => undefined);
    this.queues.set(stream, tail);
    void tail.then(() => {
      if (this.queues.get(stream) === tail) this.queues.delete(stream);
    });
    return outcome;
  }

  private async decideAndAppend<S, E extends { type: string; data: unknown }, A>(
    stream: string,
    fold: Fold<S, E>,
    decide: (state: S, head: { hash: string }) => E[],
    context: CommandContext,
    department: string | undefined,
    answerOf: (state: S) => A,
  ): Promise<Outcome<A>> {
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.load(stream, fold);
      const done = snapshot.commands.get(context.commandId);
      if (done) {
        const answer = await this.answerAt(snapshot, done.revision, fold, answerOf);
        return { revision: done.revision, position: BigInt(done.position), appended: 0, answer };
      }
      const decided = decide(snapshot.state, { hash: snapshot.lastHash });
      if (decided.length === 0) return { revision: snapshot.revision, position: null, appended: 0, answer: answerOf(snapshot.state) };
      const events = chainEvents(
        snapshot.lastHash,
        decided.map((event, index) => this.envelope(stream, event, index, context, department)),
      );
      const expected = snapshot.revision;
      try {
        const result = await this.store.append(stream, events, expected ?? 'no_stream');
        const recorded: RecordedEvent[] = events.map((event, index) => ({
          ...event,
          stream,
          revision: result.revision - events.length + 1 + index,
          position: result.position - BigInt(events.length - 1 - index),
        }));
        // The positions above are only used as the command's marker; the last one is exact.
        this.advance(snapshot, recorded, fold);
        snapshot.commands.set(context.commandId, { revision: result.revision, position: result.position.toString() });
        this.touch(stream, snapshot);
        const answer = await this.answerAt(snapshot, result.revision, fold, answerOf);
        return { revision: result.revision, position: result.position, appended: events.length, answer };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
        this.hot.delete(stream);
        await this.pause(backoffMs(attempt));
      }
    }
  }

  /**
   * The answer read from the stream's state at `revision`: from the hot copy when it stands there
   * (it does right after an append; read before any await, so no other command moves it
   * meanwhile), else from the stream's events folded again up to it (a command retried after
   * others, or after a restart).
   */
  private async answerAt<S, E, A>(snapshot: StreamSnapshot<S>, revision: number, fold: Fold<S, E>, answerOf: (state: S) => A): Promise<A> {
    if (snapshot.revision === revision) return answerOf(snapshot.state);
    const events = (await this.store.readStream(snapshot.stream)).filter((event) => event.revision <= revision);
    const past: StreamSnapshot<S> = { stream: snapshot.stream, state: fold.initial(), revision: null, lastHash: '', commands: new Map() };
    this.advance(past, events, fold);
    return answerOf(past.state);
  }

  private envelope(stream: string, event: { type: string; data: unknown }, index: number, context: CommandContext, department?: string): NewEvent {
    return {
      id: eventIdFor(context.commandId, stream, index),
      type: event.type,
      data: event.data,
      metadata: {
        actor: context.actor,
        role: context.role,
        at: this.clock.now().toISOString(),
        $correlationId: context.correlationId,
        $causationId: context.causationId,
        schemaVersion: SCHEMA_VERSIONS[event.type] ?? 1,
        commandId: context.commandId,
        ...(department ? { department } : {}),
        prevHash: '',
        hash: '',
      },
    };
  }

  /** Folds into the snapshot the events past its revision (a redelivered one is skipped). */
  private advance<S, E>(snapshot: StreamSnapshot<S>, events: RecordedEvent[], fold: Fold<S, E>): void {
    const folded: E[] = [];
    for (const raw of events) {
      if (snapshot.revision !== null && raw.revision <= snapshot.revision) continue;
      const event = upcast(raw);
      folded.push({ type: event.type, data: event.data } as E);
      snapshot.revision = event.revision;
      snapshot.lastHash = event.metadata.hash;
      if (event.metadata.commandId) snapshot.commands.set(event.metadata.commandId, { revision: event.revision, position: event.position.toString() });
    }
    if (folded.length === 0) return;
    snapshot.state = fold.evolveInto ? fold.evolveInto(snapshot.state, folded) : folded.reduce(fold.evolve, snapshot.state);
  }

  private touch(stream: string, snapshot: StreamSnapshot<unknown>): void {
    this.hot.set(stream, snapshot);
  }
}
