import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, systemClock } from '../domain/fiscal-year';
import { CLOCK } from '../tokens';

/** The codes of a write refused for lack of room: the file system's, SQLite's. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Whether an error, or one it wraps (StoreUnavailable's cause), says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && DISK_FULL_CODES.has(e.code)) return true;
  }
  return false;
}

/** How long after the last write refused for lack of room /health still says so. */
export const DISK_FULL_SHOWN_MS = 30_000;

/**
 * Writes refused for lack of room, as the HTTP layer saw them (a login's session, an upload, an
 * entry): /health answers 503 while they go on, not only while its own probe fails.
 */
@Injectable()
export class WriteFailures {
  private lastAt: number | null = null;
  private readonly clock: Clock;

  constructor(@Optional() @Inject(CLOCK) clock?: Clock) {
    this.clock = clock ?? systemClock;
  }

  seen(): void {
    this.lastAt = this.clock.now().getTime();
  }

  /** A write went through: the disk has room again, /health need not wait out the delay. */
  cleared(): void {
    this.lastAt = null;
  }

  /** The moment of the last one when it is recent, null otherwise. */
  recent(): string | null {
    if (this.lastAt === null || this.clock.now().getTime() - this.lastAt > DISK_FULL_SHOWN_MS) return null;
    return new Date(this.lastAt).toISOString();
  }
}
