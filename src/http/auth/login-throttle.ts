/**
 * Login throttling, in memory: failures per address and per username in a sliding window. From
 * `delayAfter` failures each attempt waits a little longer; from `blockAfter` the answer is 429
 * until enough failures have left the window — so a real user is held back minutes, not locked out.
 */
export interface ThrottlePolicy {
  windowMs: number;
  delayAfter: number;
  blockAfter: number;
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
  delayStepMs: 1000,
  maxDelayMs: 5000,
  maxKeys: 10_000,
};

export type ThrottleDecision = { blocked: false; delayMs: number } | { blocked: true; retryAfterSeconds: number };

export class LoginThrottle {
  readonly policy: ThrottlePolicy;
  /** key → failure times (epoch ms), oldest first. Map order doubles as an LRU. */
  private readonly failures = new Map<string, number[]>();

  constructor(policy: Partial<ThrottlePolicy> = {}) {
    this.policy = { ...DEFAULT_THROTTLE, ...policy };
  }

  check(ip: string, username: string, now: number): ThrottleDecision {
    let worstCount = 0;
    let retryAt = 0;
    for (const key of keys(ip, username)) {
      const times = this.recent(key, now);
      worstCount = Math.max(worstCount, times.length);
      if (times.length >= this.policy.blockAfter) {
        // Free again once the count falls below the threshold.
        retryAt = Math.max(retryAt, times[times.length - this.policy.blockAfter] + this.policy.windowMs);
      }
    }
    if (retryAt > 0) return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((retryAt - now) / 1000)) };
    const beyond = worstCount - this.policy.delayAfter + 1;
    return { blocked: false, delayMs: beyond > 0 ? Math.min(beyond * this.policy.delayStepMs, this.policy.maxDelayMs) : 0 };
  }

  recordFailure(ip: string, username: string, now: number): void {
    for (const key of keys(ip, username)) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > this.policy.maxKeys) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  /**
   * The username's slate is wiped by a success; the address's is not, or one valid account would
   * let an attacker reset their counter between guesses at others.
   */
  recordSuccess(username: string): void {
    this.failures.delete(userKey(username));
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.policy.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }
}

const userKey = (username: string): string => `user:${username.toLowerCase()}`;
const keys = (ip: string, username: string): string[] => [`ip:${ip}`, userKey(username)];
