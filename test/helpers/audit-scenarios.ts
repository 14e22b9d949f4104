import type { Signer } from '../../src/audit/sign.js';
import { Journal } from '../../src/engine/journal.js';
import { alarmsOut, CP, membersOut, NODES, SampleWriter, ScriptClock, serviceOut, statusOut } from './audit-samples.js';

/** The two sample runs of fixtures/logs/, written to `path` through the real Journal. */

const SHA_NOSPACE = '3f1c9a0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a';
const SHA_RESTORE = '9d0e4c7b21a8f3e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6';
const FP1 = 'c0a1e5b7f3d9e2a4c6b8d0f1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1';

/** NOSPACE recovery: a defrag times out and is retried; the disarm is approved by --approve. */
export function writeNospaceRun(path: string, signer?: Signer): void {
  const clock = new ScriptClock('2026-11-24T03:12:05.000Z');
  const w = new SampleWriter(Journal.create(path, { clock, ...(signer ? { signer } : {}) }), clock);
  const nodes = [...NODES];
  w.j.append('run-start', {
    runbook: 'nospace-recovery',
    runbookSha256: SHA_NOSPACE,
    params: { nodes, maxInUse: 80 },
    operator: 'alice',
    host: 'bastion-1',
    toolVersion: '0.1.0',
    talosctlVersion: 'v1.14.0',
    dryRun: false,
  });
  const full = { db: '2.1 GB', inUse: '1.3 GB', pct: '61.90', index: 9001, errors: 'alarm:NOSPACE' };
  w.step('require-nospace', 'precondition', 'A NOSPACE alarm is raised', () => {
    w.check('require-nospace', 'alarm-active', { nodes, alarm: 'NOSPACE' }, (_k, n) => ({
      stdout: alarmsOut(n, ['NOSPACE']),
    }));
  });
  w.step('defrag-can-help', 'choice', 'Defragmentation can free space', () => {
    w.check('defrag-can-help', 'db-in-use-ratio', { nodes, max: 80 }, (_k, n) => ({ stdout: statusOut(n, full) }));
  });
  for (const [i, c] of [CP[1], CP[2], CP[0]].entries()) {
    w.step(`defrag-each[${i}].defrag`, 'talosctl', `Defragment the member on ${c.node}`, () => {
      if (i === 0) {
        w.command(`defrag-each[${i}].defrag`, ['etcd', 'defrag'], c.node, 'mutating', {
          stdout: '',
          stderr: `error from node ${c.node}: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n`,
          exitCode: null,
          timedOut: true,
          durationMs: 300_000,
        });
        w.j.append('deviation', {
          step: `defrag-each[${i}].defrag`,
          kind: 'retry',
          detail: `attempt 1 of 2 timed out after 5m (talosctl killed); retrying in 10s`,
        });
        w.clock.advance(10_000);
      }
      w.command(`defrag-each[${i}].defrag`, ['etcd', 'defrag'], c.node, 'mutating', {
        stdout: '',
        durationMs: 41_800 + i * 3_100,
      });
    });
    w.step(`defrag-each[${i}].member-healthy`, 'wait', 'The member is healthy again', () => {
      const idx = 9010 + i * 20;
      if (i === 0) {
        w.check(`defrag-each[${i}].member-healthy`, 'member-healthy', { node: c.node, nodes }, (_k, n) => ({
          stdout: statusOut(n, { ...full, errors: '', index: n === c.node ? idx - 400 : idx }),
        }));
        w.clock.advance(5_000);
      }
      w.check(`defrag-each[${i}].member-healthy`, 'member-healthy', { node: c.node, nodes }, (_k, n) => ({
        stdout: statusOut(n, { ...full, errors: '', db: n === c.node ? '1.3 GB' : full.db, index: idx }),
      }));
    });
  }
  w.step('confirm-disarm', 'confirm', 'Approve disarming the alarms', () => {
    w.approve('confirm-disarm', 'Disarm every etcd alarm cluster-wide', 'disarm', FP1, 'alice', 'flag', 0);
    w.j.append('deviation', {
      step: 'confirm-disarm',
      kind: 'flag-approval',
      detail: 'approved in advance by --approve confirm-disarm (no prompt was shown)',
    });
  });
  w.step('disarm', 'talosctl', 'Disarm the alarms', () => {
    w.command('disarm', ['etcd', 'alarm', 'disarm'], CP[0].node, 'mutating', {
      stdout: alarmsOut(CP[0].node, ['NOSPACE']),
    });
  });
  w.step('alarms-cleared', 'postcondition', 'No alarm remains', () => {
    w.check('alarms-cleared', 'no-alarms', { nodes }, (k, n) => ({
      stdout: k === 'alarms' ? '' : statusOut(n, { ...full, db: '1.3 GB', pct: '98.50', index: 9100, errors: '' }),
    }));
  });
  w.j.append('run-end', { outcome: 'done', exitCode: 0 });
  w.j.close();
}

const SNAPSHOT = '/var/backups/etcd/2026-11-23T2300Z.snapshot';

/**
 * Restore from a snapshot: quorum lost, typed approvals per wipe; the first wipe approval is voided
 * because the cluster changed before the command ran; the tool crashes after the second wipe's
 * intent and is resumed (outcome unknown resolved by re-observing); bootstrap; a signed run-end.
 */
export function writeRestoreRun(path: string, signer?: Signer): void {
  const clock = new ScriptClock('2026-11-23T23:41:10.000Z');
  const opts = { clock, ...(signer ? { signer } : {}) };
  const w = new SampleWriter(Journal.create(path, opts), clock);
  const nodes = [...NODES];
  w.j.append('run-start', {
    runbook: 'restore-from-snapshot',
    runbookSha256: SHA_RESTORE,
    params: { nodes, snapshot: SNAPSHOT, rawCopy: false, bootstrapNode: '', members: 3 },
    operator: 'bob',
    host: 'bastion-2',
    toolVersion: '0.1.0',
    talosctlVersion: 'v1.14.0',
    dryRun: false,
  });
  const noLeader = (n: string) => ({
    stdout: '',
    stderr: `error from node ${n}: rpc error: code = Unavailable desc = etcdserver: no leader\n`,
    exitCode: 1,
  });
  const gone = (n: string) => ({
    stdout: '',
    stderr: `error from node ${n}: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n`,
    exitCode: 1,
    durationMs: 30_000,
  });
  w.step('quorum-lost', 'choice', 'Is a leader elected?', () => {
    w.check('quorum-lost', 'leader-elected', { nodes }, (_k, n) => (n === CP[0].node ? noLeader(n) : gone(n)));
  });
  w.step('confirm-permanent-loss', 'confirm', 'Approve that this is a permanent quorum loss', () => {
    w.approve(
      'confirm-permanent-loss',
      'Confirm a PERMANENT QUORUM LOSS: the lost members cannot be brought back. Restoring rolls the whole cluster back to the snapshot and gives it new member ids. Type "permanent quorum loss" to approve.',
      'permanent quorum loss',
      'b7e3d1a9c5f2e8d4b0a6c2e9f5d1b7a3c9e5f1d7b3a9c5e1f7d3b9a5c1e7f3d9',
      'bob',
      'tty',
      48_000,
    );
  });
  w.step('snapshot-complete', 'precondition', 'The snapshot is complete and readable', () => {
    w.check('snapshot-complete', 'snapshot-verified', { path: SNAPSHOT }, () => ({ stdout: '' }), {
      path: SNAPSHOT,
      stat: { bytes: 2015264 },
      status: { hash: 'c25fd181', revision: 4193, totalKeys: 1287, totalSize: 3035136 },
    });
  });
  const wipeArgv = ['reset', '--graceful=false', '--reboot', '--system-labels-to-wipe', 'EPHEMERAL'];
  const wipePrompt = (c: (typeof CP)[number]) =>
    `Wipe EPHEMERAL on this node (reset --graceful=false --reboot): its etcd data is destroyed. Type the member id shown to approve.\n  node:   ${c.node} (${c.name})\n  member: ${c.id}`;
  const fp = (n: number) => `${String(n).repeat(8)}e2f4a6c8`.repeat(4).slice(0, 64);
  // first node: approval, drift, voided, approved again, wipe
  const c0 = CP[0];
  w.step('wipe-each[0].confirm-wipe-member', 'confirm', 'Approve wiping this node and its member', () => {
    w.approve('wipe-each[0].confirm-wipe-member', wipePrompt(c0), c0.id, fp(1), 'bob', 'tty', 21_000);
  });
  w.step('wipe-each[0].wipe', 'talosctl', 'Wipe EPHEMERAL and reboot (no graceful leave)', () => {
    w.j.append('approval-voided', {
      step: 'wipe-each[0].confirm-wipe-member',
      fingerprint: fp(1),
      reason: `the cluster changed after the approval: ${CP[2].node} answers again (service etcd Running), state ${fp(2).slice(0, 12)}…; ask again`,
    });
    w.approve('wipe-each[0].confirm-wipe-member', wipePrompt(c0), c0.id, fp(2), 'bob', 'tty', 33_000);
    w.command('wipe-each[0].wipe', wipeArgv, c0.node, 'irreversible', { stdout: '', durationMs: 2_400 });
  });
  // second node: approval, intent, crash
  const c1 = CP[1];
  w.step('wipe-each[1].confirm-wipe-member', 'confirm', 'Approve wiping this node and its member', () => {
    w.approve('wipe-each[1].confirm-wipe-member', wipePrompt(c1), c1.id, fp(3), 'bob', 'tty', 17_000);
  });
  w.j.append('step-start', { step: 'wipe-each[1].wipe', kind: 'talosctl', title: 'Wipe EPHEMERAL and reboot' });
  w.j.append('command-intent', { step: 'wipe-each[1].wipe', argv: wipeArgv, node: c1.node, effect: 'irreversible' });
  w.j.close(); // the bastion lost power here: no result, no run-end
  clock.advance(6 * 60_000);
  // the crash left records after the last signed checkpoint: bob vouches for them (--accept-unsigned-tail)
  const resumed = Journal.resume(path, { ...opts, acceptUnsignedTail: true });
  w.j = resumed.journal;
  w.j.append('deviation', {
    step: 'wipe-each[1].wipe',
    kind: 'resume',
    detail: `run resumed by bob on bastion-2 after an interruption (the log ended at record ${resumed.records.length}, with no run-end)${resumed.unsignedTail ? ` with --accept-unsigned-tail; ACCEPTED UNSIGNED: ${resumed.unsignedTail.names}` : ''}`,
  });
  w.check('wipe-each[1].wipe', 'service-state', { nodes: [c1.node], state: 'Preparing' }, (_k, n) => ({
    stdout: serviceOut(n, 'Preparing'),
  }));
  w.j.append('deviation', {
    step: 'wipe-each[1].wipe',
    kind: 'outcome-unknown',
    detail: `reset of ${c1.node} had an intent but no result; re-observed: etcd on ${c1.node} is Preparing, so the wipe happened; marked done without running it again`,
  });
  w.j.append('step-end', { step: 'wipe-each[1].wipe', outcome: 'done (outcome resolved by observation)' });
  const c2 = CP[2];
  w.step('wipe-each[2].confirm-wipe-member', 'confirm', 'Approve wiping this node and its member', () => {
    w.approve('wipe-each[2].confirm-wipe-member', wipePrompt(c2), c2.id, fp(4), 'bob', 'tty', 12_000);
  });
  w.step('wipe-each[2].wipe', 'talosctl', 'Wipe EPHEMERAL and reboot (no graceful leave)', () => {
    w.command('wipe-each[2].wipe', wipeArgv, c2.node, 'irreversible', { stdout: '', durationMs: 2_100 });
  });
  w.clock.advance(70_000);
  w.step('all-preparing', 'wait', 'Every etcd waits in Preparing', () => {
    w.check('all-preparing', 'service-state', { nodes, state: 'Preparing' }, (_k, n) => ({
      stdout: serviceOut(n, 'Preparing'),
    }));
  });
  w.step('confirm-bootstrap', 'confirm', 'Approve bootstrapping from the snapshot', () => {
    w.approve(
      'confirm-bootstrap',
      `Bootstrap etcd on ${c0.node} from ${SNAPSHOT}: the cluster restarts with the snapshot's data. Type the node address to approve.`,
      c0.node,
      fp(5),
      'bob',
      'tty',
      9_000,
    );
  });
  w.step('bootstrap', 'talosctl', 'Bootstrap from the snapshot', () => {
    w.command('bootstrap', ['bootstrap', `--recover-from=${SNAPSHOT}`], c0.node, 'irreversible', {
      stdout: '',
      stderr:
        'recovering from snapshot "db.snapshot": hash c25fd181, revision 4193, total keys 1287, total size 3035136\n',
      durationMs: 5_600,
    });
  });
  w.clock.advance(95_000);
  w.step('members-back', 'postcondition', 'Three members are back', () => {
    w.check('members-back', 'members-count', { nodes, count: 3 }, (_k, n) => ({ stdout: membersOut(n) }));
  });
  w.j.append('run-end', { outcome: 'done', exitCode: 0 });
  w.j.close();
}
