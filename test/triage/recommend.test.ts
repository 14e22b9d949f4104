import { describe, expect, it } from 'vitest';
import { recommend, SNAPSHOT_PLACEHOLDER, shellQuote } from '../../src/triage/recommend.js';

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('127.0.0.81,127.0.0.82')).toBe('127.0.0.81,127.0.0.82');
    expect(shellQuote('nodes=a:1/b@c%d+e')).toBe('nodes=a:1/b@c%d+e');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('<snapshot file>')).toBe("'<snapshot file>'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});

describe('recommend', () => {
  it('builds the argv param by param, then the connection flags, and the command to copy', () => {
    const r = recommend(
      'restore-from-snapshot',
      { nodes: '127.0.0.81,127.0.0.82', snapshot: SNAPSHOT_PLACEHOLDER.text },
      [SNAPSHOT_PLACEHOLDER],
      ['--talosconfig', '/etc/talos/my config'],
    );
    expect(r.argv).toEqual([
      'run',
      'restore-from-snapshot',
      '--param',
      'nodes=127.0.0.81,127.0.0.82',
      '--param',
      'snapshot=<snapshot file>',
      '--talosconfig',
      '/etc/talos/my config',
    ]);
    expect(r.command).toBe(
      "talos-dr run restore-from-snapshot --param nodes=127.0.0.81,127.0.0.82 --param 'snapshot=<snapshot file>' --talosconfig '/etc/talos/my config'",
    );
    expect(r.placeholders).toEqual([SNAPSHOT_PLACEHOLDER]);
  });

  it('copies what it is given: changing the caller’s objects later changes nothing', () => {
    const params: Record<string, string> = { nodes: 'a' };
    const placeholders = [SNAPSHOT_PLACEHOLDER];
    const r = recommend('nospace-recovery', params, placeholders, []);
    params.nodes = 'b';
    placeholders.pop();
    expect(r.params).toEqual({ nodes: 'a' });
    expect(r.placeholders).toHaveLength(1);
  });

  it('a placeholder is in angle brackets, which no param value may hold', () => {
    expect(SNAPSHOT_PLACEHOLDER.text).toMatch(/^<[^<>]+>$/);
  });
});
