import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAlarms } from '../../src/talos/parse/alarms.js';
import { parseLogs } from '../../src/talos/parse/logs.js';
import { parseMembers } from '../../src/talos/parse/members.js';
import { parseRecovery } from '../../src/talos/parse/recovery.js';
import { toLines } from '../../src/talos/parse/result.js';
import { parseService } from '../../src/talos/parse/service.js';
import { parseSnapshot } from '../../src/talos/parse/snapshot.js';
import { parseStatus } from '../../src/talos/parse/status.js';
import { parseClientVersion } from '../../src/talos/parse/version.js';

// Found by the reliability campaign: a run of whitespace inside a line made `replace(/\s+$/, '')`
// quadratic (20,000 spaces: 0.5 s per parse; a 1 MB hostile output: hours). These inputs finish in
// milliseconds now; with the old code they cannot finish within the test timeout.
const STATUS = readFileSync('fixtures/talosctl/v1.14/status/healthy/stdout.txt', 'utf8');
const SERVICE = readFileSync('fixtures/talosctl/v1.14/service/preparing/stdout.txt', 'utf8');
const RUN = 300_000;

describe('parsers are linear in the length of a whitespace run', () => {
  it.each([' ', '\t'])('status and service with %j × 300,000 inside a line', (ws) => {
    const status = parseStatus(`${STATUS.slice(0, 200)}${ws.repeat(RUN)}x${STATUS.slice(200)}`);
    expect(status.ok).toBe(false);
    if (!status.ok) expect(status.error.code).toBe('bad-row');
    const service = parseService(`NODE${ws.repeat(RUN)}x\n${SERVICE}`);
    expect(service.ok).toBe(false);
    if (!service.ok) expect(service.error.message).not.toMatch(/^parser failure/);
  }, 8_000);

  it('every line-based parser with 300,000 newlines or CRs inside the output', () => {
    // found second: toLines' /\n+$/ was quadratic in a run of newlines before more text
    for (const nl of ['\n', '\r']) {
      const text = `${STATUS.slice(0, 200)}${nl.repeat(RUN)}x${STATUS.slice(200)}`;
      for (const parse of [parseStatus, parseService, parseMembers, parseAlarms, parseRecovery, parseClientVersion]) {
        const r = parse(text);
        if (!r.ok) expect(r.error.message).not.toMatch(/^parser failure/);
      }
      expect(parseSnapshot(text, 0).ok).toBe(false);
      const logs = parseLogs(text, 'n1');
      expect(logs.ok ? 'parsed' : logs.error.message).toBe('logs: line without the "n1: " prefix');
    }
    expect(toLines('a\n\n\nb\r\n\r\n')).toEqual(['a', '', '', 'b']);
    expect(toLines('\n\n')).toEqual(['']);
  }, 8_000);

  it('trailing whitespace is still ignored', () => {
    const padded = STATUS.split('\n')
      .map((l) => (l === '' ? l : `${l} \t `))
      .join('\n');
    expect(parseStatus(padded)).toEqual(parseStatus(STATUS));
    expect(parseService(SERVICE.replace(/\n/g, '   \n'))).toEqual(parseService(SERVICE));
  });
});
