import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { type Clock } from '../domain/fiscal-year';
import { type QuitusCodeDoc } from '../projections/year-end.projection';
import { YearEndReads } from '../reads/year-end-reads';
import { CLOCK } from '../tokens';
import { ApiError } from './errors.filter';

/** 24 random bytes: 192 bits, beyond the 128 a one-time link needs. */
const CODE_BYTES = 24;
/** Unknown codes tried from one address before it waits (a code cannot be guessed; a scan should still stop). */
const MISSES_ALLOWED = 50;
const WINDOW_MS = 15 * 60 * 1000;
/** Addresses remembered at most: a flood of addresses must not grow memory without bound. */
const ADDRESSES_KEPT = 10_000;

export const hashCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/**
 * The vérificateurs' one-time codes: drawn here, outside the pure core (only their SHA-256 goes
 * in events), and looked up with a rate limit on unknown codes per client address.
 */
@Injectable()
export class QuitusCodes {
  private readonly misses = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly reads: YearEndReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  draw(): { code: string; codeHash: string } {
    const code = randomBytes(CODE_BYTES).toString('base64url');
    return { code, codeHash: hashCode(code) };
  }

  /** The invitation of a code; 404 for an unknown or expired one, 429 after too many unknown ones. */
  async open(code: string, req: Request): Promise<QuitusCodeDoc> {
    const address = req.ip ?? 'unknown';
    const now = this.clock.now().getTime();
    const missed = this.misses.get(address);
    if (missed && now - missed.since > WINDOW_MS) this.misses.delete(address);
    if ((this.misses.get(address)?.count ?? 0) >= MISSES_ALLOWED) {
      throw new ApiError(429, {
        error: 'too_many_requests',
        code: 'TOO_MANY_ATTEMPTS',
        message: 'Trop de liens inconnus essayés. Réessayez dans quelques minutes.',
      });
    }
    try {
      return await this.reads.invitation(/^[A-Za-z0-9_-]{16,64}$/.test(code) ? hashCode(code) : '');
    } catch (error) {
      if (this.misses.size >= ADDRESSES_KEPT) this.misses.clear();
      const entry = this.misses.get(address) ?? { count: 0, since: now };
      this.misses.set(address, { ...entry, count: entry.count + 1 });
      throw error;
    }
  }
}
