import { describe, expect, it } from 'vitest';
import { checkKey, isObjectMissing, objectMissing, targetError } from '../../src/backup/target-keys.js';
import { isTalosDrError } from '../../src/io/errors.js';

const URL = 's3://bucket/prefix';

function refusal(key: string): string | undefined {
  try {
    checkKey(URL, 'put', key);
    return undefined;
  } catch (e) {
    return isTalosDrError(e) ? e.message : `not a TalosDrError: ${String(e)}`;
  }
}

describe('checkKey', () => {
  it.each(['c1/20261207T020000Z-0123456789ab.snap.gz', 'catalog/x.json', 'a', 'a.b/c..d'])('accepts %s', (key) => {
    expect(checkKey(URL, 'put', key)).toBe(key);
  });

  it.each([
    ['', 'not a relative object key'],
    ['/etc/passwd', 'not a relative object key'],
    ['dir/', 'not a relative object key'],
    ['../x', 'empty, "." or ".." segment'],
    ['a/../../x', 'empty, "." or ".." segment'],
    ['a/./b', 'empty, "." or ".." segment'],
    ['a//b', 'empty, "." or ".." segment'],
    ['..', 'empty, "." or ".." segment'],
    ['a\nb', 'contains a control character'],
    ['a\u0000b', 'contains a control character'],
  ])('refuses %j: %s', (key, why) => {
    expect(refusal(key)).toBe(`backup target ${URL}: cannot put ${JSON.stringify(key)}: ${why}`);
  });
});

describe('the target errors', () => {
  it('a missing object is known as such; other errors are not', () => {
    expect(isObjectMissing(objectMissing(URL, 'k'))).toBe(true);
    expect(objectMissing(URL, 'k').message).toBe(`object missing: k is not at ${URL}`);
    expect(isObjectMissing(targetError(URL, 'get', 'k', new Error('x')))).toBe(false);
    expect(isObjectMissing(null)).toBe(false);
    expect(isObjectMissing({ code: 'ENOENT' })).toBe(false);
  });

  it('a target failure in words, code first, never a stack', () => {
    const e = Object.assign(new Error('permission denied, open /b/k'), { code: 'EACCES' });
    const t = targetError('/b', 'put', 'k', e);
    expect(t.message).toBe('backup target /b: cannot put k: EACCES: permission denied, open /b/k');
    expect(t.message).not.toContain('    at ');
    expect(targetError('/b', 'list', '', 'socket hang up').message).toBe(
      'backup target /b: cannot list : socket hang up',
    );
  });
});
