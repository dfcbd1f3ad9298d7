/** A PDF to make: whose it is and how many pages it should have (what it will cost). */
export interface PrintJob {
  /** The user (login) asking; one of their PDFs runs at a time. */
  owner: string;
  /** Estimated pages: the notebook of a 5,000-entry year is hundreds, a CRF two. */
  pages: number;
}

/** The queue is full, or this user already waits for a PDF: try again later. */
export class PrintBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Trop d'impressions PDF sont en cours : réessayez dans un instant.");
    this.name = 'PrintBusy';
  }
}

export interface PrintQueueLimits {
  /** PDFs rendered at once (Chromium's memory grows with each). */
  slots: number;
  /** Above this many pages a document is big: big ones never take the last slot. */
  bigPages: number;
  /** Documents waiting in each lane (small, big); one more is refused. */
  waitingPerLane: number;
  /** What Retry-After says when refused. */
  retryAfterSeconds: number;
}

export const PRINT_QUEUE_LIMITS: PrintQueueLimits = { slots: 2, bigPages: 20, waitingPerLane: 8, retryAfterSeconds: 30 };

interface Waiting {
  job: PrintJob;
  start: () => void;
}

/**
 * Who renders next. Two lanes by expected size: big documents (many pages) use at most all slots
 * but one, so a one-page CRF never waits behind two notebooks of 5,000 entries; each lane waits in
 * order of arrival, bounded (beyond, PrintBusy: a clear "try again" rather than a two-minute
 * wait). One running PDF per user and one waiting: a user cannot take every slot.
 */
export class PrintQueue {
  private readonly running = new Map<string, PrintJob>();
  private bigRunning = 0;
  private readonly small: Waiting[] = [];
  private readonly big: Waiting[] = [];

  constructor(private readonly limits: PrintQueueLimits = PRINT_QUEUE_LIMITS) {}

  async run<T>(job: PrintJob, work: () => Promise<T>): Promise<T> {
    await this.admit(job);
    try {
      return await work();
    } finally {
      this.running.delete(job.owner);
      if (this.isBig(job)) this.bigRunning--;
      this.dispatch();
    }
  }

  private admit(job: PrintJob): Promise<void> {
    const lane = this.isBig(job) ? this.big : this.small;
    const ownerWaits = [...this.small, ...this.big].some((w) => w.job.owner === job.owner);
    if (ownerWaits || lane.length >= this.limits.waitingPerLane) return Promise.reject(new PrintBusy(this.limits.retryAfterSeconds));
    return new Promise<void>((resolve) => {
      lane.push({ job, start: resolve });
      this.dispatch();
    });
  }

  /** Starts what may start: small documents first, big ones only while a slot stays free for a small one. */
  private dispatch(): void {
    const bigSlots = Math.max(1, this.limits.slots - 1);
    for (;;) {
      if (this.running.size >= this.limits.slots) return;
      const next = this.takeFrom(this.small) ?? (this.bigRunning < bigSlots ? this.takeFrom(this.big) : undefined);
      if (!next) return;
      this.running.set(next.job.owner, next.job);
      if (this.isBig(next.job)) this.bigRunning++;
      next.start();
    }
  }

  /** The first waiting job of the lane whose user has nothing running. */
  private takeFrom(lane: Waiting[]): Waiting | undefined {
    const index = lane.findIndex((w) => !this.running.has(w.job.owner));
    return index < 0 ? undefined : lane.splice(index, 1)[0];
  }

  private isBig(job: PrintJob): boolean {
    return job.pages > this.limits.bigPages;
  }
}
