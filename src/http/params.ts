import { parseAsOf } from '../reads/ledger-reads';
import { DomainError } from '../domain/errors';

/** A year in a URL (fiscal or calendar): four digits, or the resource does not exist. */
export function yearParam(value: string, message = 'Exercice introuvable.'): number {
  if (!/^\d{4}$/.test(value)) throw new DomainError('NOT_FOUND', message, undefined, 'not_found');
  return Number(value);
}

/**
 * Department reads take ?asOf= as a coop's do and refuse a bad one (400 AS_OF_INVALID). Their
 * figures are the read models' (the present): time-travel over a whole department is not built yet.
 */
export function checkAsOf(asOf: unknown): void {
  if (asOf !== undefined) parseAsOf(asOf);
}
