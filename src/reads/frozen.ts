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

/**
 * Answers kept by key with the version of the documents they were made from, the least recently
 * used dropped beyond `size`; an answer that fails is forgotten, so the next read tries again.
 */
export class KeptAnswers<V, T> {
  private readonly entries = new Map<string, { version: V; answer: Promise<T> }>();

  constructor(private readonly size: number) {}

  /** The entry kept for `key`, now the most recently used. */
  get(key: string): { version: V; answer: Promise<T> } | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  keep(key: string, version: V, answer: Promise<T>): Promise<T> {
    this.entries.delete(key);
    this.entries.set(key, { version, answer });
    answer.catch(() => {
      if (this.entries.get(key)?.answer === answer) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.size) break;
      this.entries.delete(oldest);
    }
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
