import { describe, expect, it } from 'vitest';
import { ownEntry } from '../../src/runbook/catalog-entry.js';

describe('ownEntry', () => {
  const catalog = { 'no-alarms': 1, leader: 2 };
  it('finds own entries', () => {
    expect(ownEntry(catalog, 'leader')).toBe(2);
  });
  it.each([
    'constructor',
    'toString',
    '__proto__',
    'hasOwnProperty',
    'valueOf',
    'missing',
  ])('a name from the runbook never reaches Object.prototype: %s', (name) => {
    expect(ownEntry(catalog, name)).toBeUndefined();
  });
});
