import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { type Clock } from '../domain/fiscal-year';
import { type QuitusCodeDoc } from '../projections/year-facts.projection';
import { YearEndReads } from '../reads/year-end-reads';
import { CLOCK } from '../tokens';
import { ApiError } from './errors.filter';

/** 24 random bytes: 192 bits, beyond the 128 a one-time link needs. */
const CODE_BYTES = 24;
/** Unknown codes tried from one address before it waits (a code cannot be guessed; a scan should still stop). */
const MISSES_ALLOWED = 50;
/**
 * Unknown codes tried from every address together before any unknown code waits: an address
 * rotated at each try (X-Forwarded-For) is still one scan. A right code always passes, so this
 * holds back nobody who holds one.
 */
const MISSES_ALLOWED_EVERYWHERE = 1_000;
const WINDOW_MS = 15 * 60 * 1000;
/** Addresses remembered at most (the least recently seen go first): memory stays bounded under a flood of addresses. */
const ADDRESSES_KEPT = 10_000;

export const hashCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/** Misses in a window that starts at the first of them. */
interface Misses {
  count: number;
  since: number;
}

/**
 * The vérificateurs' one-time codes: drawn here, outside the pure core (only their SHA-256 goes
 * in events), and looked up with a rate limit on unknown codes, per client address (a bounded
 * LRU) and for every address together (one counter the addresses cannot clear). A right code
 * always opens its invitation, whatever either counter says.
 */
@Injectable()
export class QuitusCodes {
  private readonly byAddress = new LRUCache<string, Misses>({ max: ADDRESSES_KEPT });
  private everywhere: Misses = { count: 0, since: 0 };

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
    try {
      return await this.reads.invitation(/^[A-Za-z0-9_-]{16,64}$/.test(code) ? hashCode(code) : '');
    } catch (error) {
      const mine = counted(this.byAddress.get(address), now);
      this.everywhere = counted(this.everywhere, now);
      this.byAddress.set(address, mine);
      if (mine.count > MISSES_ALLOWED || this.everywhere.count > MISSES_ALLOWED_EVERYWHERE) {
        throw new ApiError(429, {
          error: 'too_many_requests',
          code: 'TOO_MANY_ATTEMPTS',
          message: 'Trop de liens inconnus essayés. Réessayez dans quelques minutes.',
        });
      }
      throw error;
    }
  }
}

/** One more miss: in the window, or the first of a new one. */
const counted = (misses: Misses | undefined, now: number): Misses =>
  misses && now - misses.since <= WINDOW_MS ? { count: misses.count + 1, since: misses.since } : { count: 1, since: now };
