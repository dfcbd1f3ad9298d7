/**
 * The right to project: one instance at a time folds the log into shared read models, the others
 * serve requests and wait for its checkpoints. A lease is taken, held until released or lost
 * (its holder's connection died), and taken by another instance then.
 *
 * Holding it is for economy, not for safety: a batch is written only if its projection's checkpoint
 * is still the one it continues from (ProjectionBatch.after), so a holder that has not yet noticed
 * its loss cannot write over its successor's work.
 */
export interface ProjectorLease {
  /** Takes the lease if nobody holds it; true when this instance holds it (already held: true). */
  tryAcquire(): Promise<boolean>;
  /** Called once each time a held lease is lost (not when released). */
  onLost(listener: (error: Error) => void): void;
  /** Gives the lease up (and what it holds open); tryAcquire may take it again. */
  release(): Promise<void>;
}

/** The embedded read store belongs to one process: its projector always holds the lease. */
export const ALWAYS_HELD: ProjectorLease = {
  tryAcquire: () => Promise.resolve(true),
  onLost: () => undefined,
  release: () => Promise.resolve(),
};
