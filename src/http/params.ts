import { asOfMoment } from '../reads/audit-views';
import { parseAsOf } from '../reads/ledger-reads';
import { DomainError } from '../domain/errors';

/** A year in a URL (fiscal or calendar): four digits, or the resource does not exist. */
export function yearParam(value: string, message = 'Exercice introuvable.'): number {
  if (!/^\d{4}$/.test(value)) throw new DomainError('NOT_FOUND', message, undefined, 'not_found');
  return Number(value);
}

/**
 * Department reads take ?asOf= as a coop's do (their figures as the department's events stood
 * then) and refuse a bad one (400 AS_OF_INVALID); absent or empty, the present.
 */
export function asOfParam(asOf: unknown): string | null {
  return asOf === undefined || asOf === '' ? null : parseAsOf(asOf);
}

/**
 * A page's ?asOf=: an ISO moment (the API's) or the picker's "AAAA-MM-JJTHH:mm" in France; a bad
 * one is a 400 page with its French message, never the present read instead.
 */
export function pageAsOf(asOf: unknown): string | null {
  if (asOf === undefined || asOf === '') return null;
  if (typeof asOf !== 'string') return parseAsOf(asOf);
  return asOfMoment(asOf);
}
