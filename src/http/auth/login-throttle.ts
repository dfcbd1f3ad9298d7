import { LRUCache } from 'lru-cache';
/**
 * Login throttling after OWASP's "slow down online guessing attacks with device cookies", in
 * memory, and with SharedFailures in the account store, so several instances count together. A browser that logged in successfully holds a signed device cookie (device-cookie.ts):
 * its attempts count only against that cookie, so failures made elsewhere never hold it back.
 * Attempts from anywhere else (untrusted) count against the (username, address) pair — an
 * address is only ever held back for itself, and behind a proxy one address is everybody — and
 * against the username's untrusted attempts from all addresses, with a higher threshold: ten
 * addresses guessing one password lock nobody out, and an owner on their own browser never.
 *
 * From `delayAfter` failures each attempt waits a little longer; from `blockAfter` the answer is
 * 429 until enough failures have left the window. An attempt counts from the moment it starts
 * (in flight), so a burst of concurrent guesses cannot all pass before the first fails.
 */
export interface ThrottlePolicy {
  windowMs: number;
  /** Failures of a pair or a device before each attempt waits. */
  delayAfter: number;
  /** Failures of a pair or of a device before 429. */
  blockAfter: number;
  /** Failures for one username from untrusted clients (every address) before those get 429. */
  untrustedBlockAfter: number;
  /** Added per failure beyond `delayAfter`. */
  delayStepMs: number;
  maxDelayMs: number;
  /** Bounds memory under a spray of usernames or addresses; the oldest keys go first. */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60 * 1000,
  delayAfter: 5,
  blockAfter: 10,
  untrustedBlockAfter: 20,
  delayStepMs: 1000,
  maxDelayMs: 5000,
  maxKeys: 10_000,
};

/** Who is trying: the username typed, the client's address, the device cookie's id when it is valid for that username. */
export interface LoginSource {
  username: string;
  ip: string;
  device: string | null;
}

export type ThrottleDecision = { blocked: false; delayMs: number } | { blocked: true; retryAfterSeconds: number };

/** One attempt in flight: counted until it ends, as a failure or not at all. */
export interface ThrottledAttempt {
  failed(now: number): void;
  succeeded(): void;
  /** Ended by something else than the password (the server busy, a store down): no failure. */
  abandoned(): void;
}

/**
 * Failures kept where every instance sees them. Attempts in flight stay per instance (they end
 * within seconds); the failures, which hold a guesser back for the window, are shared.
 */
export interface SharedFailures {
  /** Each key's failures since `since` (epoch ms), oldest first; keys without any are left out. */
  recent(keys: string[], since: number): Promise<Map<string, number[]>>;
  record(keys: string[], at: number): Promise<void>;
  forget(keys: string[]): Promise<void>;
}

type Admission = (ThrottleDecision & { blocked: true }) | { blocked: false; delayMs: number; attempt: ThrottledAttempt };

/** One count an attempt adds to; the attempt is refused when any is at its threshold. */
export interface Counter {
  key: string;
  threshold: number;
  /** Its failures make attempts wait (a pair, a device), not only block. */
  delays: boolean;
}

/** Which counts a source's attempt adds to (the login's: loginCounters). */
export type CountersOf = (source: LoginSource, policy: ThrottlePolicy) => Counter[];

/** A trusted device answers for itself alone (a stolen cookie buys `blockAfter` guesses, no more). */
export const loginCounters: CountersOf = ({ username, ip, device }, { blockAfter, untrustedBlockAfter }) => {
  if (device !== null) return [{ key: `device:${device}`, threshold: blockAfter, delays: true }];
  const user = username.toLowerCase();
  return [
    { key: `pair:${user}\u0000${ip}`, threshold: blockAfter, delays: true },
    { key: `untrusted:${user}`, threshold: untrustedBlockAfter, delays: false },
  ];
};

export class LoginThrottle {
  readonly policy: ThrottlePolicy;
  /** key → failure times (epoch ms), oldest first; the keys failed least recently dropped beyond maxKeys. */
  private readonly failures: LRUCache<string, number[]>;
  /** key → attempts started and not yet ended. */
  private readonly inFlight = new Map<string, number>();
  /** This instance's writes to the shared failures not yet done: read after them. */
  private sharing: Promise<void> = Promise.resolve();

  constructor(
    policy: Partial<ThrottlePolicy> = {},
    private readonly shared?: SharedFailures,
    private readonly counters: CountersOf = loginCounters,
  ) {
    this.policy = { ...DEFAULT_THROTTLE, ...policy };
    this.failures = new LRUCache({ max: this.policy.maxKeys });
  }

  /**
   * admit, after reading the source's failures from the shared store (those made through any
   * instance). The store unreachable: this instance's own count decides.
   */
  async admitShared(source: LoginSource, now: number): Promise<Admission> {
    if (this.shared) {
      const keys = this.countersOf(source).map((c) => c.key);
      try {
        await this.sharing;
        const recent = await this.shared.recent(keys, now - this.policy.windowMs);
        for (const key of keys) {
          const times = recent.get(key);
          if (times?.length) this.failures.set(key, times);
          else this.failures.delete(key);
        }
      } catch {
        // Counted in memory meanwhile.
      }
    }
    return this.admit(source, now);
  }

  /** Resolves once this instance's failures and successes so far are in the shared store. */
  settled(): Promise<void> {
    return this.sharing;
  }

  /** Writes to the shared store in the order made; a failed write leaves the count in memory. */
  private share(write: (shared: SharedFailures) => Promise<void>): void {
    const shared = this.shared;
    if (!shared) return;
    this.sharing = this.sharing.then(() => write(shared)).catch(() => undefined);
  }

  /** Decides on an attempt and, when it may go on, counts it in flight until it ends. */
  admit(source: LoginSource, now: number): Admission {
    const counters = this.countersOf(source);
    const decision = this.decide(counters, now);
    if (decision.blocked) return decision;
    for (const { key } of counters) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    let ended = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      for (const { key } of counters) {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      }
      return true;
    };
    return {
      blocked: false,
      delayMs: decision.delayMs,
      attempt: {
        failed: (at) => {
          if (!end()) return;
          this.recordFailure(counters, at);
          this.share((shared) =>
            shared.record(
              counters.map((c) => c.key),
              at,
            ),
          );
        },
        succeeded: () => {
          // The pair's and the device's slates are wiped; the username's untrusted count is not,
          // or a guesser could reset it between guesses by logging in to their own account.
          if (!end()) return;
          const wiped = counters.map((c) => c.key).filter((key) => !key.startsWith('untrusted:'));
          for (const key of wiped) this.failures.delete(key);
          this.share((shared) => shared.forget(wiped));
        },
        abandoned: () => {
          end();
        },
      },
    };
  }

  /** The decision alone, without counting an attempt (tests, and the answer to a refused one). */
  check(source: LoginSource, now: number): ThrottleDecision {
    return this.decide(this.countersOf(source), now);
  }

  private countersOf(source: LoginSource): Counter[] {
    return this.counters(source, this.policy);
  }

  private decide(counters: Counter[], now: number): ThrottleDecision {
    let worstBeyondDelay = 0;
    let retryAt = 0;
    for (const { key, threshold, delays } of counters) {
      const times = this.recent(key, now);
      const pending = this.inFlight.get(key) ?? 0;
      const count = times.length + pending;
      if (count >= threshold) {
        // Free again once the count falls below the threshold (attempts in flight end within seconds).
        const freedAt = pending >= threshold ? now + 1000 : times[count - threshold] + this.policy.windowMs;
        retryAt = Math.max(retryAt, freedAt);
      }
      if (delays) worstBeyondDelay = Math.max(worstBeyondDelay, count - this.policy.delayAfter + 1);
    }
    if (retryAt > 0) return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((retryAt - now) / 1000)) };
    const delayMs = worstBeyondDelay > 0 ? Math.min(worstBeyondDelay * this.policy.delayStepMs, this.policy.maxDelayMs) : 0;
    return { blocked: false, delayMs };
  }

  private recordFailure(counters: Counter[], now: number): void {
    for (const { key } of counters) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
  }

  /** The key's failures within the window. */
  private recent(key: string, now: number): number[] {
    const times = this.failures.peek(key);
    if (!times) return [];
    const fresh = times.filter((t) => t > now - this.policy.windowMs);
    if (fresh.length === 0) this.failures.delete(key);
    // Trimmed in place: set() would make a key only read the most recently used.
    else times.splice(0, times.length, ...fresh);
    return fresh.length === 0 ? fresh : times;
  }
}
