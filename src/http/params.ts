import { DomainError } from '../domain/errors';

/** A year in a URL (fiscal or calendar): four digits, or the resource does not exist. */
export function yearParam(value: string, message = 'Exercice introuvable.'): number {
  if (!/^\d{4}$/.test(value)) throw new DomainError('NOT_FOUND', message, undefined, 'not_found');
  return Number(value);
}
