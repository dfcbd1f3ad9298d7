import { randomBytes, randomUUID } from 'node:crypto';
import { type NewEvent, type RecordedEvent } from '../../src/events/envelope';
import { chainEvents } from '../../src/events/hash-chain';
import { type EntryReconciled } from '../../src/events/ledger-events';

/** A coop id no other test (nor another run on a shared server) uses. */
export function uniqueCoopId(): string {
  return `T${randomBytes(6).toString('hex')}`;
}

/** `count` chained EntryReconciled events, linked onto `prevHash`. */
export function reconciledEvents(count: number, prevHash = ''): NewEvent<'EntryReconciled', EntryReconciled>[] {
  const correlationId = randomUUID();
  const events = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'EntryReconciled' as const,
    data: { entryId: `E${i + 1}`, statementDate: i % 2 === 0 ? '2025-01-31' : null },
    metadata: {
      actor: 'tresorier@ecole.test',
      role: 'treasurer' as const,
      at: '2025-02-03T10:00:00.000Z',
      $correlationId: correlationId,
      $causationId: correlationId,
      schemaVersion: 1,
      commandId: correlationId,
      department: '13',
      prevHash: '',
      hash: '',
    },
  }));
  return chainEvents(prevHash, events);
}

/** Resolves once `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Délai dépassé (${timeoutMs} ms) : ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export const ids = (events: Array<NewEvent | RecordedEvent>): string[] => events.map((e) => e.id);
