// Derives the cluster states the lab cannot make yet (network faults) or makes only slowly (a
// nearly full quota) from the recorded ones in fixtures/triage/, by editing the recorded talosctl
// text: a status row's cells re-rendered with the shim's own tabwriter, a call replaced by the
// error talosctl prints for it. Each file says DERIVED, from which file, and what was edited.
// Usage: npx tsx scripts/derive-triage-fixtures.ts   (rewrites fixtures/triage/derived-*.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { humanizeBytes, tabwrite } from '../src/lab/format.js';
import type { RecordedCall, Recording } from '../src/triage/recording.js';

const dir = new URL('../fixtures/triage/', import.meta.url);
const load = (name: string): Recording => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Recording;
const N1 = '127.0.0.81';
const N3 = '127.0.0.83';

type Which = 0 | 1 | 'both';
const polls = (r: Recording, which: Which) =>
  (which === 'both' ? r.polls : [r.polls[which]]).filter((p) => p !== undefined);
const calls = (r: Recording, which: Which, node: string, verb?: string): RecordedCall[] =>
  polls(r, which).flatMap((p) =>
    p.calls.filter((c) => c.node === node && (verb === undefined || c.args.join(' ') === verb)),
  );

/** Edits the cells of a node's own `etcd status` row (by header name) and re-renders the table. */
function editStatus(r: Recording, which: Which, node: string, edit: (cells: Record<string, string>) => void): void {
  for (const c of calls(r, which, node, 'etcd status')) {
    const [header = '', row = ''] = c.stdout.split('\n');
    const names = header.split(/\s{2,}/);
    const values = row.split(/\s{2,}/);
    const cells = Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
    edit(cells);
    c.stdout = tabwrite([names.join('\t'), names.map((n) => cells[n] ?? '').join('\t')]);
  }
}

const TABLE_HEADERS: Record<string, string> = {
  'etcd status':
    'NODE\tMEMBER\tDB SIZE\tIN USE\tLEADER\tRAFT INDEX\tRAFT TERM\tRAFT APPLIED INDEX\tLEARNER\tPROTOCOL\tSTORAGE\tERRORS',
  'etcd members': 'NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER',
  time: 'NODE\tNTP-SERVER\tNODE-TIME\tNTP-SERVER-TIME',
};

/** Replaces a node's calls with a failure as talosctl v1.14 prints it (the header, then the error). */
function fail(
  r: Recording,
  which: Which,
  node: string,
  how: 'timeout' | 'certificate' | 'no-leader' | 'error',
  verb?: string,
): void {
  for (const c of calls(r, which, node, verb)) {
    const header = TABLE_HEADERS[c.args.join(' ')];
    if (how === 'timeout') {
      Object.assign(c, { exitCode: null, stdout: '', stderr: '', timedOut: true, durationMs: 2000 });
      continue;
    }
    const desc = {
      certificate:
        'code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"',
      'no-leader': 'code = Unavailable desc = etcdserver: no leader',
      error:
        'code = Unknown desc = failed to list etcd alarms: etcdserver: request timed out, possibly due to previous leader failure',
    }[how];
    Object.assign(c, {
      exitCode: 1,
      stdout: header === undefined ? '' : tabwrite([header]),
      stderr: `error from node ${node}: rpc error: ${desc}\n`,
      timedOut: false,
    });
  }
}

const save = (name: string, r: Recording, from: string, what: string): void => {
  r.source = `DERIVED from ${from}.json (${load(from).source.replace(/^recorded from /, 'recorded from ')}): ${what}`;
  writeFileSync(new URL(`derived-${name}.json`, dir), `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(`derived-${name}.json\n`);
};

const size = (bytes: number, inUse: number) => (c: Record<string, string>) => {
  c['DB SIZE'] = humanizeBytes(bytes);
  c['IN USE'] = `${humanizeBytes(inUse)} (${((inUse / bytes) * 100).toFixed(2)}%)`;
};
const leaderOf = (r: Recording): string =>
  calls(r, 0, N1, 'etcd status')[0]
    ?.stdout.split('\n')[1]
    ?.split(/\s{2,}/)[4] ?? '';
const memberOf = (r: Recording, node: string): string =>
  calls(r, 0, node, 'etcd status')[0]
    ?.stdout.split('\n')[1]
    ?.split(/\s{2,}/)[1] ?? '';

const nodes = ['127.0.0.81', '127.0.0.82', N3];

// no node answers: every call of every node timed out
{
  const r = load('healthy');
  for (const n of nodes) fail(r, 'both', n, 'timeout');
  save('no-answer', r, 'healthy', 'every call of every node times out (killed by the read timeout, nothing printed)');
}
// quorum lost only through timeouts: the killed majority times out instead of refusing
{
  const r = load('quorum-loss');
  for (const n of ['127.0.0.82', N3]) fail(r, 'both', n, 'timeout');
  save(
    'quorum-lost-unseen',
    r,
    'quorum-loss',
    'every call of 127.0.0.82 and .83 times out instead of "connection refused" (a cut between this host and them looks so)',
  );
}
// every member runs, none knows a leader (a full mesh partition between the members)
{
  const r = load('healthy');
  for (const n of nodes) {
    editStatus(r, 'both', n, (c) => {
      c.LEADER = '0000000000000000';
      c['RAFT TERM'] = '5';
      c.ERRORS = 'etcdserver: no leader';
    });
    fail(r, 'both', n, 'no-leader', 'etcd members');
    fail(r, 'both', n, 'no-leader', 'etcd alarm list');
  }
  save(
    'no-leader',
    r,
    'healthy',
    'every status row says LEADER 0000000000000000 (term 5, error "etcdserver: no leader"); members and alarm list answer "no leader"',
  );
}
// a partitioned minority: 127.0.0.83 knows no leader in both polls and campaigns (its term rises)
{
  const r = load('healthy');
  editStatus(r, 0, N3, (c) => {
    c.LEADER = '0000000000000000';
    c['RAFT TERM'] = '7';
    c.ERRORS = 'etcdserver: no leader';
  });
  editStatus(r, 1, N3, (c) => {
    c.LEADER = '0000000000000000';
    c['RAFT TERM'] = '9';
    c.ERRORS = 'etcdserver: no leader';
  });
  fail(r, 'both', N3, 'no-leader', 'etcd members');
  fail(r, 'both', N3, 'no-leader', 'etcd alarm list');
  save(
    'partition',
    r,
    'healthy',
    '127.0.0.83 (a minority cut off) reports LEADER 0000000000000000 with a rising term (7, then 9) and "etcdserver: no leader" on members and alarm list, in both polls; 81 and 82 keep their leader and term',
  );
}
// a flapping leader: the second poll shows another leader at a higher term on every member
{
  const r = load('healthy');
  const other = memberOf(r, '127.0.0.82');
  for (const n of nodes)
    editStatus(r, 1, n, (c) => {
      c.LEADER = other;
      c['RAFT TERM'] = '4';
    });
  save(
    'flap-leader',
    r,
    'healthy',
    `every member names ${other} (127.0.0.82) leader at term 4 in the second poll (term 2, leader ${leaderOf(r)} in the first)`,
  );
}
// CORRUPT instead of NOSPACE
{
  const r = load('nospace');
  for (const p of r.polls)
    for (const c of p.calls) {
      c.stdout = c.stdout.replaceAll('NOSPACE', 'CORRUPT');
    }
  save('corrupt', r, 'nospace', 'every NOSPACE (alarm list rows and status errors) reads CORRUPT');
}
// the killed machine times out instead of refusing
{
  const r = load('kill');
  fail(r, 'both', N3, 'timeout');
  save('member-timeout', r, 'kill', 'every call of 127.0.0.83 times out instead of "connection refused"');
}
// a certificate talosctl and one node do not agree on
{
  const r = load('healthy');
  fail(r, 'both', N3, 'certificate');
  save(
    'certificate',
    r,
    'healthy',
    'every call of 127.0.0.83 fails with "x509: certificate signed by unknown authority"',
  );
}
// a member falling behind (latency or loss on its link): 1,200 then 1,800 entries behind
{
  const r = load('healthy');
  const idx = (which: 0 | 1) =>
    Number(
      calls(r, which, N1, 'etcd status')[0]
        ?.stdout.split('\n')[1]
        ?.split(/\s{2,}/)[5],
    );
  const [i0, i1] = [idx(0) + 5000, idx(1) + 5600];
  for (const n of nodes)
    for (const which of [0, 1] as const) {
      const own = which === 0 ? i0 : i1;
      const behind = which === 0 ? 1200 : 1800;
      editStatus(r, which, n, (c) => {
        c['RAFT INDEX'] = String(n === N3 ? own - behind : own);
        c['RAFT APPLIED INDEX'] = c['RAFT INDEX'] ?? '';
      });
    }
  save(
    'lagging',
    r,
    'healthy',
    'raft indexes moved on (writes): 127.0.0.83 is 1,200 then 1,800 entries behind the others',
  );
}
// catching up: 1,500 then 400 behind
{
  const r = load('healthy');
  const base = [7000, 7600];
  for (const n of nodes)
    for (const which of [0, 1] as const)
      editStatus(r, which, n, (c) => {
        const own = base[which] ?? 0;
        c['RAFT INDEX'] = String(n === N3 ? own - (which === 0 ? 1500 : 400) : own);
        c['RAFT APPLIED INDEX'] = c['RAFT INDEX'] ?? '';
      });
  save('catching-up', r, 'healthy', 'raft indexes moved on (writes): 127.0.0.83 is 1,500 then 400 entries behind');
}
// the DB near the default 2 GiB quota: mostly free pages, mostly live data; fragmented far from it
for (const [name, db, inUse, what] of [
  ['quota-fragmented', 1_900_000_000, 500_000_000, 'DB SIZE 1.9 GB, IN USE 500 MB (26%) on every member'],
  ['quota-full', 1_900_000_000, 1_800_000_000, 'DB SIZE 1.9 GB, IN USE 1.8 GB (95%) on every member'],
  ['fragmented', 900_000_000, 200_000_000, 'DB SIZE 900 MB, IN USE 200 MB (22%) on every member'],
] as const) {
  const r = load('healthy');
  for (const n of nodes) editStatus(r, 'both', n, size(db, inUse));
  save(name, r, 'healthy', what);
}
// the alarm lists fail everywhere: nothing else is wrong, but alarms are not known
{
  const r = load('healthy');
  for (const n of nodes) fail(r, 'both', n, 'error', 'etcd alarm list');
  save('alarms-unread', r, 'healthy', 'etcd alarm list fails on every node ("etcdserver: request timed out")');
}
