import { LRUCache } from 'lru-cache';
import { type ReadStore } from '../projections/read-store';

/**
 * Freezes a document and everything in it: what readers share (a cached current year, its grid)
 * must fail loudly if one of them tries to change it, rather than corrupt the others' answers.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The bytes of an answer's JSON: what keeping it costs, within a few tens of percent of its heap. */
export const jsonBytes = (value: unknown): number => JSON.stringify(value)?.length ?? 0;

interface KeptAnswer<V, T> {
  version: V;
  answer: Promise<T>;
  /** Its JSON's bytes once resolved; 0 while pending. */
  bytes: number;
}

/**
 * Answers kept by key with the version of the documents they were made from, the least recently
 * used dropped beyond `maxBytes` (each answer weighed once, when it resolves, by `bytesOf`) — a
 * budget in bytes, not in answers, so a department of large years keeps fewer of them rather than
 * more memory. An answer that fails is forgotten, so the next read tries again.
 */
export class KeptAnswers<V, T> {
  private readonly entries: LRUCache<string, KeptAnswer<V, T>>;

  constructor(
    maxBytes: number,
    private readonly bytesOf: (answer: T) => number = jsonBytes,
  ) {
    // A pending answer weighs 1; one over the whole budget weighs the budget, so it stays, alone, while the newest.
    this.entries = new LRUCache({ maxSize: maxBytes, sizeCalculation: (entry) => Math.min(Math.max(entry.bytes, 1), maxBytes) });
  }

  /** The entry kept for `key`, now the most recently used. */
  get(key: string): { version: V; answer: Promise<T> } | undefined {
    return this.entries.get(key);
  }

  keep(key: string, version: V, answer: Promise<T>): Promise<T> {
    const previous = this.entries.peek(key);
    const entry: KeptAnswer<V, T> = { version, answer, bytes: previous?.answer === answer ? previous.bytes : 0 };
    this.entries.set(key, entry);
    answer.then(
      (value) => {
        if (this.entries.peek(key) !== entry || entry.bytes > 0) return;
        // Weighed: set again, as a new value, so the cache counts its size.
        this.entries.set(key, { ...entry, bytes: this.bytesOf(value) });
      },
      () => {
        if (this.entries.peek(key) === entry) this.entries.delete(key);
      },
    );
    return answer;
  }
}

/**
 * The answer kept under `key` while the checkpoints of the projections it reads have not moved
 * (read before the documents, so a version never labels older documents); else computed, frozen
 * and kept. Readers share it: a read after a command, which waits for the projections, sees a new one.
 */
export async function keptAnswer<T>(
  answers: KeptAnswers<string, unknown>,
  store: Pick<ReadStore, 'getCheckpoint'>,
  key: string,
  projections: string[],
  compute: () => Promise<T>,
): Promise<T> {
  const version = (await Promise.all(projections.map((p) => store.getCheckpoint(p)))).join(':');
  const hit = answers.get(key);
  if (hit?.version === version) return hit.answer as Promise<T>;
  return answers.keep(key, version, compute().then(deepFreeze)) as Promise<T>;
}
