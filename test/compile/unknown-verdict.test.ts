import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRunbook } from './run-machine.js';

// 'unknown' (the check could not see enough) never takes a pass branch: a precondition stops with
// precondition-failed (exit 4), a choice follows its onFailure, a wait polls on and times out.
const P = { nodes: ['10.0.0.1'] };
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-unknown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, steps: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: ${name}, title: t }
params:
  nodes: { type: nodes, description: n, default: [10.0.0.1] }
steps:
${steps}`,
  );
  return path;
}

const precondition = file(
  'pre',
  `  - id: lost
    precondition: { check: quorum-lost, with: { nodes: { ref: params.nodes } } }
    retry: { attempts: 2, backoff: 1s }
  - id: defrag
    talosctl: [etcd, defrag]
    node: 10.0.0.1
  - id: done
    end: { outcome: success, message: ok }
`,
);

const choice = (onFailure: string) =>
  file(
    `choice-${onFailure === '' ? 'abort' : 'goto'}`,
    `  - id: pick
    choice: { check: leader-elected, with: { nodes: { ref: params.nodes } }, ifPass: yes, ifFail: no }
${onFailure}  - id: yes
    end: { outcome: success, message: pass branch }
  - id: no
    end: { outcome: success, message: fail branch }
${onFailure === '' ? '' : '  - id: other\n    end: { outcome: failed, message: could not tell }\n'}`,
  );

const wait = file(
  'wait',
  `  - id: leader
    wait: { check: leader-elected, with: { nodes: { ref: params.nodes } }, timeout: 10s, interval: 2s }
  - id: done
    end: { outcome: success, message: ok }
`,
);

describe("an 'unknown' verdict", () => {
  it('stops a precondition with precondition-failed after its retries, saying it cannot tell; nothing runs', async () => {
    const { output, log } = await runRunbook(precondition, P, { check: () => 'unknown' });
    expect(output).toEqual({ outcome: 'precondition-failed', stepId: 'lost', message: 'quorum-lost unknown' });
    expect(log.filter((l) => l.includes('precondition quorum-lost'))).toHaveLength(2);
    expect(log.some((l) => l.includes('talosctl'))).toBe(false);
  });

  it('lets a precondition pass on a retry that sees the cluster', async () => {
    let n = 0;
    const { output, log } = await runRunbook(precondition, P, { check: () => (n++ === 0 ? 'unknown' : 'pass') });
    expect(output.outcome).toBe('success');
    expect(log.some((l) => l.includes('talosctl etcd defrag'))).toBe(true);
  });

  it('takes neither branch of a choice: it follows onFailure (abort by default) with the reason', async () => {
    const abort = await runRunbook(choice(''), P, { check: () => 'unknown' });
    expect(abort.output).toEqual({ outcome: 'failed', stepId: 'pick', message: 'leader-elected unknown' });
    const goto = await runRunbook(choice('    onFailure: { goto: other }\n'), P, { check: () => 'unknown' });
    expect(goto.output).toEqual({ outcome: 'failed', stepId: 'other', message: 'could not tell' });
    const fail = await runRunbook(choice(''), P, { check: () => 'fail' });
    expect(fail.output.message).toBe('fail branch');
  });

  it('keeps a wait polling, and its timeout reports the last thing it could not see', async () => {
    const { output, log } = await runRunbook(wait, P, { check: () => 'unknown' });
    expect(output).toEqual({
      outcome: 'failed',
      stepId: 'leader',
      message: 'timed out after 10s; last result: leader-elected unknown',
    });
    expect(log.filter((l) => l.includes('wait leader-elected')).length).toBeGreaterThan(2);
  });
});
