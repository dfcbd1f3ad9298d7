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
