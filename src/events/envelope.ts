/**
 * The shape every stored event has, whatever the engine. Data is JSON; positions are bigint
 * because EventStoreDB commit positions are 64-bit.
 */
export type Role = 'mandataire' | 'treasurer' | 'auditor' | 'admin';

export interface EventMetadata {
  actor: string;
  role: Role | 'system';
  /** Server time of the append, ISO 8601 UTC. */
  at: string;
  /** EventStoreDB's own names, so its by-correlation system projection works. */
  $correlationId: string;
  $causationId: string;
  schemaVersion: number;
  /** The command that produced this event: a retried command is recognised by it. */
  commandId?: string;
  /**
   * The department of the coop the event belongs to: department-wide projections route on it
   * without a lookup (a tenant key, like a tenant id in metadata).
   */
  department?: string;
  /** SHA-256 chain per stream (see hash-chain.ts); '' before the first event. */
  prevHash: string;
  hash: string;
}

export interface NewEvent<T extends string = string, D = unknown> {
  /** Set by the caller (a UUID): appending the same ids again is a no-op. */
  id: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

export interface RecordedEvent<T extends string = string, D = unknown> extends NewEvent<T, D> {
  stream: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /** Position in the global log; strictly increasing in append order. */
  position: bigint;
}
