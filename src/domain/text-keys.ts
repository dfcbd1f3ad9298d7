/**
 * User text (a PJ, a régie's name) as the key of a plain JSON record (states and read models stay
 * JSON): never `record[key]`, which reads Object.prototype's "constructor" and, for "__proto__",
 * sets the prototype instead of a key. Own properties only, defined rather than assigned.
 */
export const valueAt = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

export function putAt<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
