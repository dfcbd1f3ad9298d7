import { randomUUID } from 'node:crypto';
import { type Role } from '../events/envelope';

/** Who asks, and the ids that tie the resulting events to the request. */
export interface CommandContext {
  /** Idempotency key: the same command id twice has one effect. */
  commandId: string;
  actor: string;
  role: Role | 'system';
  correlationId: string;
  causationId: string;
}

/** The one shape of a client's command id (header Idempotency-Key); anything else is ignored. */
export const isIdempotencyKey = (key: string | null | undefined): key is string => typeof key === 'string' && /^[A-Za-z0-9_.:-]{8,100}$/.test(key);

export function commandContext(actor: { username: string; role: Role | 'system' }, commandId?: string | null, correlationId?: string): CommandContext {
  const id = isIdempotencyKey(commandId) ? commandId : randomUUID();
  return { commandId: id, actor: actor.username, role: actor.role, correlationId: correlationId ?? id, causationId: id };
}

export const SYSTEM = { username: 'system', role: 'system' as const };
