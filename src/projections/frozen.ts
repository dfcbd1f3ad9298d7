/**
 * Freezes a document and everything in it: what readers share (a cached current year, its grid)
 * must fail loudly if one of them tries to change it, rather than corrupt the others' answers.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
