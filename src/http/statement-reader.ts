import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DomainError, type RefusalKind } from '../domain/errors';
import { type CsvMapping, type ParsedStatement, readStatementFile } from '../domain/statements';
import { ApiError } from './errors.filter';

/** Below this a file is read at once: a few milliseconds, less than a worker's round trip. */
const INLINE_BYTES = 128 * 1024;
/** Files waiting for a worker beyond the ones being read: each holds up to 10 MiB. */
const MAX_WAITING = 8;
/** A worker that has not answered by then is stopped (reading is linear and bounded: never expected). */
const TIMEOUT_MS = 60_000;

type Refusal = { code: string; message: string; field?: string; kind: RefusalKind; details?: Record<string, unknown> };
type Job = { id: number; bytes: Buffer; mapping?: Partial<CsvMapping>; resolve: (p: ParsedStatement) => void; reject: (e: unknown) => void };

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Reads a bank's statement file (readStatementFile) for a request. A large file (up to the 10 MiB
 * upload limit, seconds of parsing) is read in a small pool of worker threads, so no request
 * holds the event loop that every other request shares; beyond the pool and its short queue,
 * 503 "réessayez".
 */
@Injectable()
export class StatementReader implements OnModuleDestroy {
  private readonly logger = new Logger('StatementReader');
  private readonly size = Math.max(1, Math.min(2, availableParallelism() - 1));
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;

  read(bytes: Buffer, mapping?: Partial<CsvMapping>): Promise<ParsedStatement> {
    if (bytes.length <= INLINE_BYTES) return Promise.resolve().then(() => readStatementFile(bytes, mapping));
    if (this.waiting.length >= MAX_WAITING) {
      return Promise.reject(
        new ApiError(
          503,
          { error: 'unavailable', code: 'STATEMENTS_BUSY', message: 'Beaucoup de relevés sont en cours de lecture : réessayez dans une minute.' },
          { 'Retry-After': '30' },
        ),
      );
    }
    return new Promise<ParsedStatement>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, bytes, mapping, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.waiting.shift()!;
      slot.job = job;
      slot.timer = setTimeout(
        () =>
          this.fail(
            slot,
            new DomainError('STATEMENT_TOO_SLOW', 'La lecture de ce fichier a pris trop de temps : exportez une période plus courte.', 'file', 'too_large'),
          ),
        TIMEOUT_MS,
      );
      slot.worker.postMessage({ id: job.id, bytes: job.bytes, mapping: job.mapping });
    }
  }

  private spawn(): Slot {
    // Built, the worker is its .js beside this file; under ts-node or jest, the .ts through ts-node.
    const typescript = __filename.endsWith('.ts');
    const worker = new Worker(`${__dirname}/statement-reader.worker.${typescript ? 'ts' : 'js'}`, {
      execArgv: typescript ? ['-r', 'ts-node/register/transpile-only'] : [],
    });
    worker.unref();
    const slot: Slot = { worker, job: null, timer: null };
    worker.on('message', (answer: { id: number; parsed?: ParsedStatement; refusal?: Refusal }) => {
      const job = slot.job;
      if (!job || job.id !== answer.id) return;
      this.release(slot);
      if (answer.refusal)
        job.reject(new DomainError(answer.refusal.code, answer.refusal.message, answer.refusal.field, answer.refusal.kind, answer.refusal.details));
      else job.resolve(answer.parsed!);
    });
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', () => this.fail(slot, new Error('statement worker exited')));
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    setImmediate(() => this.dispatch());
  }

  /** A worker that broke or hung: its job fails, the worker goes, the next job gets a new one. */
  private fail(slot: Slot, error: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    void slot.worker.terminate();
    if (job) {
      if (!(error instanceof DomainError)) this.logger.error(`statement worker: ${error instanceof Error ? error.message : String(error)}`);
      job.reject(error);
    }
    setImmediate(() => this.dispatch());
  }

  async onModuleDestroy(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const slot of slots)
      slot.job?.reject(new ApiError(503, { error: 'unavailable', code: 'SERVICE_UNAVAILABLE', message: 'Le service s’arrête : réessayez dans un instant.' }));
    for (const job of this.waiting.splice(0))
      job.reject(new ApiError(503, { error: 'unavailable', code: 'SERVICE_UNAVAILABLE', message: 'Le service s’arrête : réessayez dans un instant.' }));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
