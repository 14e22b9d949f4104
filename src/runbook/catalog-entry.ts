/**
 * A catalog entry by a name taken from the runbook: own entries only, so `check: constructor` or
 * `with: { toString: x }` name nothing instead of reaching Object.prototype.
 */
export function ownEntry<T extends object>(record: T, key: string): T[keyof T] | undefined {
  return Object.hasOwn(record, key) ? record[key as keyof T] : undefined;
}
