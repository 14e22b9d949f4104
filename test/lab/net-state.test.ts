import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendFlap,
  clearNetFiles,
  describeFault,
  isClear,
  NO_NET_FAULTS,
  netPaths,
  netStatusLines,
  readApplied,
  readDesired,
  readFlaps,
  writeApplied,
  writeDesired,
} from '../../src/lab/net-state.js';

/** The network faults' files in a lab dir (a temp dir here: no lab, no nft). */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), 'tdr-net-state-'));
  return dir;
};

describe('the desired and applied files', () => {
  it('no file, or a broken one, reads as no fault / nothing applied', () => {
    const d = fresh();
    expect(readDesired(d)).toEqual(NO_NET_FAULTS);
    expect(readApplied(d)).toBeNull();
    writeFileSync(netPaths(d).desired, '{"generation":');
    expect(readDesired(d)).toEqual(NO_NET_FAULTS);
    expect(netStatusLines(d, true)).toEqual([]);
  });

  it('round-trips, and lab status says what is in force, or that nothing is without the supervisor', () => {
    const d = fresh();
    writeDesired(d, {
      generation: 2,
      nodes: { 'lab-cp-3': { kind: 'partition' } },
      flap: { cutMs: 2000, everyMs: 6000 },
    });
    expect(isClear(readDesired(d))).toBe(false);
    expect(netStatusLines(d, true)).toEqual([
      'network faults:',
      '  lab-cp-3: partition (peer traffic dropped both ways)',
      '  flap-leader: the leader is cut off for 2000 ms every 6000 ms',
    ]);
    expect(netStatusLines(d, false)[0]).toBe('network faults (NOT in force: the supervisor is not running):');
    writeApplied(d, {
      generation: 2,
      ok: false,
      error: 'nft: Operation not permitted',
      at: 't',
      table: false,
      rules: 0,
      relays: 0,
    });
    expect(netStatusLines(d, true).at(-1)).toBe(
      'network faults NOT applied (generation 2): nft: Operation not permitted',
    );
  });

  it('keeps the last six flaps for lab status', () => {
    const d = fresh();
    for (let i = 0; i < 8; i++)
      appendFlap(d, { at: `t${i}`, node: 'lab-cp-1', ip: '127.0.0.11', event: i % 2 ? 'restore' : 'cut' });
    expect(readFlaps(d)).toHaveLength(8);
    const lines = netStatusLines(d, true);
    expect(lines[0]).toBe('recent flaps:');
    expect(lines.slice(1)).toEqual(
      [2, 3, 4, 5, 6, 7].map((i) => `  t${i} ${i % 2 ? 'restore' : 'cut'} lab-cp-1 (127.0.0.11)`),
    );
    clearNetFiles(d);
    expect(readFlaps(d)).toEqual([]);
    expect(readDesired(d)).toEqual(NO_NET_FAULTS);
  });
});

// A supervisor killed in the middle of appendFlap leaves a torn last line: `lab status` keeps the
// history before it (it used to lose every flap).
describe('a torn last line in net-flaps.jsonl', () => {
  it('keeps the flaps before it', () => {
    const d = fresh();
    appendFlap(d, { at: 't0', node: 'lab-cp-1', ip: '127.0.0.11', event: 'cut' });
    writeFileSync(netPaths(d).flaps, '{"at":"torn', { flag: 'a' });
    expect(readFlaps(d)).toHaveLength(1);
  });
});

describe('describeFault', () => {
  it('words each fault as lab status prints it', () => {
    expect(describeFault({ kind: 'partition-oneway' })).toBe('partition-oneway (what it sends to peers is dropped)');
    expect(describeFault({ kind: 'latency', ms: 200 } as never)).toBe('latency +200 ms round trip to every peer');
    expect(describeFault({ kind: 'loss', percent: 30 } as never)).toBe('loss 30% of peer packets, both ways');
  });
});
