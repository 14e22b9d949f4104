import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyRecord, formatRecordLine, hashRecord } from '../../src/audit/log-format.js';
import { type Signer, signerFromKey } from '../../src/audit/sign.js';
import { makeWitness, type WitnessConfig } from '../../src/audit/witness.js';
import { Journal } from '../../src/engine/journal.js';
import { steppingClock } from './sample-log.js';

/**
 * A signed log of three segments through the real Journal (file sink, witness head files):
 * the run stops at a gate (exit 3) after one irreversible command, a resume runs a second one
 * and is interrupted (130), a second resume finishes (0). The attack tests cut, edit, insert
 * and reorder its records.
 */
export interface SignedSegments {
  dir: string;
  log: string;
  text: string;
  signer: Signer;
  witness: WitnessConfig;
  /** the seq of each segment's run-end */
  ends: number[];
}

export const attackSigner: Signer = signerFromKey(generateKeyPairSync('ed25519').privateKey);

const RM = ['etcd', 'remove-member', 'f3e2d1c0b9a89776'];

export function writeSignedSegments(signer: Signer = attackSigner): SignedSegments {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-attack-'));
  const log = join(dir, 'run.jsonl');
  const witness: WitnessConfig = { headsDir: join(dir, 'state', 'heads'), syslog: false, url: null };
  const clock = steppingClock();
  const ends: number[] = [];
  const open = () => ({ clock, signer, witness: makeWitness(witness, log) });
  let j = Journal.create(log, open());
  j.append('run-start', {
    runbook: 'replace-lost-member',
    runbookSha256: 'b'.repeat(64),
    params: { nodes: ['10.5.0.2', '10.5.0.3', '10.5.0.4'] },
    operator: 'alice',
    host: 'adm-1',
    toolVersion: '0.1.0',
    talosctlVersion: 'v1.14.0',
    dryRun: false,
  });
  irreversibleStep(j, 'remove-1', 'alice');
  j.append('step-start', { step: 'confirm-2', kind: 'confirm' });
  j.append('approval-request', { step: 'confirm-2', prompt: 'Remove?', fingerprint: 'sha256:2', token: 'yes' });
  ends.push(j.append('run-end', { outcome: 'stopped-at-gate', exitCode: 3 }).seq);
  j.close();

  j = Journal.resume(log, open()).journal;
  j.append('deviation', { step: null, kind: 'resume', detail: 'resumed by bob with --approve confirm-2' });
  irreversibleStep(j, 'remove-2', 'bob');
  j.append('step-start', { step: 'defrag', kind: 'talosctl' });
  j.append('command-intent', { step: 'defrag', argv: ['etcd', 'defrag'], node: '10.5.0.2', effect: 'mutating' });
  j.append('command-result', result('defrag', ['etcd', 'defrag']));
  ends.push(j.append('run-end', { outcome: 'interrupted', exitCode: 130 }).seq);
  j.close();

  j = Journal.resume(log, open()).journal;
  j.append('deviation', { step: null, kind: 'resume', detail: 'resumed by carol' });
  j.append('step-start', { step: 'gone', kind: 'postcondition' });
  j.append('check', {
    step: 'gone',
    name: 'member-absent',
    args: {},
    observed: {},
    verdict: 'pass',
    summary: 'the member is gone',
  });
  ends.push(j.append('run-end', { outcome: 'done', exitCode: 0 }).seq);
  j.close();
  return { dir, log, text: readFileSync(log, 'utf8'), signer, witness, ends };
}

function irreversibleStep(j: Journal, step: string, who: string): void {
  j.append('step-start', { step: `confirm-${step}`, kind: 'confirm' });
  j.append('approval-request', { step: `confirm-${step}`, prompt: 'Remove?', fingerprint: 'sha256:1', token: 'yes' });
  j.append('approval', {
    step: `confirm-${step}`,
    who,
    how: 'flag',
    when: '2026-11-24T03:00:00.000Z',
    fingerprint: 'sha256:1',
    approved: true,
  });
  j.append('step-start', { step, kind: 'talosctl' });
  j.append('command-intent', { step, argv: RM, node: '10.5.0.2', effect: 'irreversible' });
  j.append('command-result', result(step, RM));
}

function result(step: string, argv: string[]) {
  return { step, argv, node: '10.5.0.2', exitCode: 0, durationMs: 5, stdout: '', stderr: '', timedOut: false };
}

/** Parses a log's lines (each a record; a partial line is kept as text). */
export function recordsOf(text: string): AnyRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AnyRecord);
}

/**
 * What an attacker without the private key can do: renumber and re-hash a list of records into a
 * well-formed chain, keeping whatever signatures the records carry.
 */
export function rechain(records: readonly AnyRecord[]): string {
  let prev = '0'.repeat(64);
  const lines = records.map((r, i) => {
    const base = { v: r.v, seq: i + 1, time: r.time, type: r.type, payload: r.payload, prev };
    const out = { ...base, hash: hashRecord(base), ...(r.sig === undefined ? {} : { sig: r.sig }) } as AnyRecord;
    prev = out.hash;
    return formatRecordLine(out);
  });
  return lines.map((l) => `${l}\n`).join('');
}

/** A forged, unsigned record (what the review appended after a sealed signed run-end). */
export function forged(kind: 'override' | 'resume', time = '2026-11-24T04:00:00.000Z'): AnyRecord {
  return {
    v: 1,
    seq: 0,
    time,
    type: 'deviation',
    payload: { step: 'pre', kind, detail: 'quorum check waived by CAB-1234' },
    prev: '',
    hash: '',
  } as AnyRecord;
}
