import type { Request } from 'express';
import { type CommandContext, commandContext, isIdempotencyKey } from '../commands/command-context';
import { type Role } from '../events/envelope';

/**
 * The command context of an API request. Idempotency: a client may name its command (header
 * Idempotency-Key, the one shape isIdempotencyKey accepts); a retry then has one effect.
 */
export const requestContext = (user: { username: string; role: Role | 'system' }, req: Request): CommandContext =>
  commandContext(user, req.header('idempotency-key'), req.header('x-correlation-id') ?? undefined);

/** With an idempotency key, ids of new things derive from it so a retry names the same entry. */
export function idFor(req: Request, fresh: string): string {
  const key = req.header('idempotency-key');
  return isIdempotencyKey(key) ? `k_${key.replace(/[^A-Za-z0-9_]/g, '_')}` : fresh;
}
