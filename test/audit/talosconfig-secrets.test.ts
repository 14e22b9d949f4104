import { describe, expect, it } from 'vitest';
import { talosconfigSecrets } from '../../src/audit/redact.js';

// Found while reviewing the campaign's regexes: /^\s*…\s*$/gm was quadratic in blank lines
// (20,000 lines: 1.9 s); 300,000 now finish well within the test timeout.
describe('talosconfigSecrets', () => {
  const cfg =
    'contexts:\n  lab:\n    ca: QUJDREVGR0hJSktMTU5PUFFSU1RVVg==\n    crt: "Y2VydGlmaWNhdGVjZXJ0aWZpY2F0ZQ"\r\n    key: a2V5a2V5a2V5a2V5a2V5a2V5\n';
  it('finds the CA, certificate and key values', () => {
    expect(talosconfigSecrets(cfg)).toEqual([
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVg==',
      'Y2VydGlmaWNhdGVjZXJ0aWZpY2F0ZQ',
      'a2V5a2V5a2V5a2V5a2V5a2V5',
    ]);
  });
  it('is linear in blank lines', () => {
    expect(talosconfigSecrets(`${' \n'.repeat(300_000)}${cfg}`)).toHaveLength(3);
  }, 8_000);
});
