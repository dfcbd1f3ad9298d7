/**
 * A command refused by a rule: a machine code of DOMAIN.md, a French sentence for the user, and
 * the form field concerned (so a page can show the message under it). HTTP maps it to 400,
 * except the kinds below.
 */
/** `too_large`: more than the server takes (413). */
export type RefusalKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'gone' | 'too_large';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly kind: RefusalKind = 'invalid',
    /** Extra details (e.g. closing blockers). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Several field errors at once (a form with PJ, date and label all missing). */
export class ValidationFailed extends DomainError {
  constructor(readonly errors: DomainError[]) {
    super(errors[0].code, errors[0].message, errors[0].field, 'invalid');
    this.name = 'ValidationFailed';
  }
  get fields(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const e of this.errors) if (e.field && !fields[e.field]) fields[e.field] = e.message;
    return fields;
  }
}

/** Refuses with every error found at once (none: goes on). */
export function reject(errors: DomainError[]): void {
  if (errors.length) throw new ValidationFailed(errors);
}
