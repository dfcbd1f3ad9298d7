import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { from, type Observable, of } from 'rxjs';
import { finalize, mergeMap } from 'rxjs/operators';
import { isIdempotencyKey } from '../commands/command-context';
import { type Clock } from '../domain/fiscal-year';
import { ACCOUNT_STORE, CLOCK } from '../tokens';
import { type AccountStore } from '../users/account-store';
import { type SessionUser } from '../users/user-directory';
import { ApiError } from './errors.filter';

const REQUESTS = 'idempotent_requests';
/** A key names its request for a day: a retry comes within minutes, and the answers must not pile up forever. */
export const IDEMPOTENCY_KEPT_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const PRUNE_BATCH = 500;

interface AnsweredRequest extends Record<string, unknown> {
  /** The Idempotency-Key, also the document's id (answers carried over from the read store get it then). */
  key?: string;
  /** Who sent what where: SHA-256 of the user, the method, the path with its query and the body. */
  fingerprint: string;
  /** The first answer's body (null for a 204). */
  body: unknown;
  /** ISO 8601 in UTC: sorts as it reads. */
  at: string;
}

export const keyReused = (): ApiError =>
  new ApiError(422, {
    error: 'unprocessable',
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: "Cette clé d'idempotence (Idempotency-Key) a déjà servi pour une autre requête : envoyez une nouvelle clé pour une nouvelle opération.",
  });

/**
 * An Idempotency-Key names one request: the user, the method, the path (with its query) and the
 * body. The first successful answer is kept for 24 hours (in the account store, so it outlives a
 * restart and any instance answers it); the
 * same request again gets that answer without running again, another request with the key gets
 * 422 IDEMPOTENCY_KEY_REUSED. Requests with one key run one after the other. A refusal is not
 * kept: the same request again is decided again. The command path's own guard stays beneath:
 * event ids derive from the command id, so a retry whose first answer was lost has one effect.
 *
 * On the JSON API's controllers; a multipart route lists it again after its FileInterceptor (the
 * body is read there), the controller's copy lets such a request pass unread.
 */
@Injectable()
export class IdempotentRequests implements NestInterceptor {
  private declared?: Promise<void>;
  private lastPrune = 0;
  /** The request of each key being answered, chained: the next one waits for it. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(ACCOUNT_STORE) private readonly store: AccountStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const key = req.header('idempotency-key');
    if (!isIdempotencyKey(key) || req.method === 'GET' || req.method === 'HEAD') return next.handle();
    if (req.is('multipart/form-data') && req.body === undefined) return next.handle();
    const fingerprint = fingerprintOf(req);

    // Taken before any await, so two requests with one key never both find it free.
    const before = this.running.get(key);
    let finish: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (finish = resolve));
    const turn = (before ?? Promise.resolve()).then(() => mine);
    this.running.set(key, turn);
    const release = () => {
      finish();
      if (this.running.get(key) === turn) this.running.delete(key);
    };

    return from(this.answered(key, before)).pipe(
      mergeMap((first) => {
        if (first) {
          if (first.fingerprint !== fingerprint) throw keyReused();
          return of(first.body ?? undefined);
        }
        return next.handle().pipe(mergeMap((body: unknown) => from(this.keep(key, fingerprint, body).then(() => body))));
      }),
      finalize(release),
    );
  }

  private async answered(key: string, before: Promise<void> | undefined): Promise<AnsweredRequest | null> {
    await before;
    await this.declare();
    const answered = await this.store.get<AnsweredRequest>(REQUESTS, key);
    // Past its day, a key is free again whether or not the pruning has removed it yet.
    return answered && answered.at > this.keptSince() ? answered : null;
  }

  private keptSince(): string {
    return new Date(this.clock.now().getTime() - IDEMPOTENCY_KEPT_MS).toISOString();
  }

  /** Removes the answers past their day, a batch now and then (the oldest first). */
  private async prune(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const since = this.keptSince();
    for (const old of await this.store.find<AnsweredRequest>(REQUESTS, { sort: { field: 'at', direction: 'asc' }, limit: PRUNE_BATCH })) {
      if (old.at > since) break;
      if (old.key) await this.store.remove(REQUESTS, old.key);
    }
  }

  private async keep(key: string, fingerprint: string, body: unknown): Promise<void> {
    const answered: AnsweredRequest = { key, fingerprint, body: body ?? null, at: this.clock.now().toISOString() };
    await this.store.put(REQUESTS, key, answered);
    await this.prune();
  }

  private declare(): Promise<void> {
    this.declared ??= this.store.declareCollection(REQUESTS, { indexes: ['at'] }).catch((error: unknown) => {
      this.declared = undefined;
      throw error;
    });
    return this.declared;
  }
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function fingerprintOf(req: Request): string {
  const user = (req.user as SessionUser | undefined)?.username ?? null;
  const file = (req as Request & { file?: { buffer: Buffer; originalname?: string } }).file;
  const body = sha256(JSON.stringify(req.body ?? null));
  return sha256(JSON.stringify([user, req.method, req.originalUrl, body, file ? [sha256(file.buffer), file.originalname ?? null] : null]));
}
