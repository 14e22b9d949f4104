import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture, timeOut, triageFixture, triageOf } from './helpers.js';

/**
 * Attacks on triage's one promise: never name a destructive runbook on a view that could be
 * wrong. A node that only times out may be alive behind a network cut from this host; a member
 * that knows no leader may be the cut-off one; an error on our side (a certificate) is no
 * evidence about etcd. Each test takes real recorded states and makes them worse.
 */

const DESTRUCTIVE = new Set(['restore-from-snapshot', 'replace-lost-member', 'member-not-syncing']);
const QUORUM_LOST_ROWS = new Set(['quorum-lost', 'quorum-lost-machines-down']);

describe('a node that only times out is never treated as lost', () => {
  const names = fixtureNames();
  for (const name of names) {
    it(`${name}: each node timing out in turn`, async () => {
      const rec = loadFixture(name);
      const before = await triageFixture(name);
      for (const node of rec.nodes) {
        const t = await triageOf(timeOut(rec, node));
        const r = t.recommendation?.runbook;
        // the hung node is never the member to replace
        if (r === 'replace-lost-member') expect(t.subject?.node).not.toBe(node);
        // a restore only where quorum was already lost on positive evidence without it
        if (r === 'restore-from-snapshot') expect(QUORUM_LOST_ROWS.has(before.row)).toBe(true);
        // a healthy cluster with one hung node is "cannot tell", never a runbook
        if (before.row === 'healthy') expect(t.verdict).toBe('cannot-tell');
      }
    });
  }
});

describe('the view of a cut-off minority', () => {
  it('only the member that knows no leader answers: cannot tell, no runbook', async () => {
    let rec = loadFixture('derived-partition');
    for (const n of ['127.0.0.81', '127.0.0.82']) rec = timeOut(rec, n);
    const t = await triageOf(rec);
    expect(t.verdict).toBe('cannot-tell');
    expect(t.row).toBe('quorum-lost-unseen');
    expect(t.recommendation).toBeUndefined();
  });

  it('the majority answers and follows a leader: partition, and nothing destructive for the cut-off member', async () => {
    const t = await triageFixture('derived-partition');
    expect(t.row).toBe('partition');
    expect(t.recommendation).toBeUndefined();
    expect(t.first).toContain('Do not act on the view of 127.0.0.83');
  });

  it('every member knows no leader while all run: no restore (the data is there)', async () => {
    const t = await triageFixture('derived-no-leader');
    expect(t.recommendation).toBeUndefined();
    expect(t.first).toContain('do not restore');
  });
});

describe('errors on our side are not evidence about etcd', () => {
  it('a certificate problem on one node: cannot tell, naming the certificate', async () => {
    const t = await triageFixture('derived-certificate');
    expect(t.verdict).toBe('cannot-tell');
    expect(t.recommendation).toBeUndefined();
    expect(t.why).toContain('certificate');
    expect(t.findings.some((f) => f.id === 'certificate' && f.severity === 'risk')).toBe(true);
  });

  it('no destructive runbook is named unless every member was seen or positively down', async () => {
    for (const name of fixtureNames()) {
      const t = await triageFixture(name);
      const r = t.recommendation?.runbook;
      if (r === undefined || !DESTRUCTIVE.has(r)) continue;
      const unknown = t.findings.filter((f) => f.id === 'member' && f.severity === 'unknown');
      expect({ name, unknown: unknown.map((f) => f.text) }).toEqual({ name, unknown: [] });
    }
  });
});

describe('quorum', () => {
  it('the members count comes from the member list, or is said to be assumed', async () => {
    const t = await triageFixture('quorum-loss');
    const leader = t.findings.find((f) => f.id === 'leader');
    expect(leader?.text).toContain('one per control plane node given (no node listed the members');
    // a bigger cluster, said by the responder: 2 machines off of 5 voters is not a lost quorum
    const five = await triageFixture('quorum-loss', { members: 5 });
    expect(five.recommendation).toBeUndefined();
    expect(five.verdict).toBe('cannot-tell');
  });
});

describe('a worker among the nodes', () => {
  it('is named, left out of the command, and changes nothing else', async () => {
    const rec = loadFixture('lose');
    const worker = '127.0.0.84';
    rec.nodes.push(worker);
    for (const p of rec.polls) {
      const kinds = [...new Set(p.calls.map((c) => c.args.join(' ')))];
      for (const k of kinds)
        p.calls.push({
          node: worker,
          args: k.split(' '),
          exitCode: 1,
          stdout: '',
          stderr: `error from node ${worker}: rpc error: code = Unimplemented desc = ${k} is only available on control plane nodes\n`,
          timedOut: false,
          durationMs: 50,
        });
    }
    const t = await triageOf(rec);
    expect(t.row).toBe('member-lost');
    expect(t.recommendation?.params).toEqual({ nodes: '127.0.0.81,127.0.0.82,127.0.0.83', members: '3' });
    expect(t.findings.find((f) => f.id === 'not-control-plane')?.node).toBe(worker);
  });
});
