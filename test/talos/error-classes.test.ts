import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { parseAlarms } from '../../src/talos/parse/alarms.js';
import { CLASS_OF, severity, type TalosctlErrorKind } from '../../src/talos/parse/error-kinds.js';
import { classifyError } from '../../src/talos/parse/errors.js';
import { parseStatus } from '../../src/talos/parse/status.js';
import type { CommandResult } from '../../src/talos/talosctl.js';

const ROOT = join(import.meta.dirname, '../../fixtures/talosctl');
/** Every stderr kept under fixtures/talosctl/<ver>/errors: the real shapes to mutate. */
const REAL = readdirSync(ROOT).flatMap((ver) => {
  const dir = join(ROOT, ver, 'errors');
  try {
    return readdirSync(dir).map((name) => readFileSync(join(dir, name, 'stderr.txt'), 'utf8'));
  } catch {
    return [];
  }
});
const KINDS = Object.keys(CLASS_OF) as TalosctlErrorKind[];

function run(stderr: string, exitCode: number | null = 1): CommandResult {
  return {
    argv: [],
    binary: 'talosctl',
    node: 'n',
    pid: undefined,
    exitCode,
    signal: null,
    stdout: '',
    stderr,
    durationMs: 1,
    timedOut: false,
    canceled: false,
  };
}

const A = '10.5.0.2';
const X509 =
  'rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"';

describe('classes and kinds', () => {
  it('the worst node error names the failure: a certificate problem next to a timeout is a certificate problem', () => {
    const info = classifyError(
      `error from node ${A}: rpc error: code = DeadlineExceeded desc = context deadline exceeded\nerror from node 10.5.0.3: ${X509}\n`,
    );
    expect([info.kind, info.class, info.retryable, info.node]).toEqual(['certificate', 'config', false, '10.5.0.3']);
    expect(info.errors.map((e) => e.kind)).toEqual(['timeout', 'certificate']);
    expect(info.hint).toMatch(/talosconfig/);
  });

  it('DeadlineExceeded is a timeout, Unavailable is unreachable, even when its text ends in a deadline', () => {
    expect(
      classifyError(`error from node ${A}: rpc error: code = DeadlineExceeded desc = context deadline exceeded`),
    ).toMatchObject({ kind: 'timeout', code: 'DeadlineExceeded', retryable: true });
    expect(
      classifyError(
        `error from node ${A}: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: context deadline exceeded"`,
      ),
    ).toMatchObject({ kind: 'unreachable', code: 'Unavailable', retryable: true });
  });

  it('a gRPC desc reading "1 error occurred:" opens a nested list, not a node list', () => {
    const info = classifyError(
      `error from node ${A}: rpc error: code = Unknown desc = 1 error occurred:\n\t* failed to remove member 11853256372613990363: etcdserver: unhealthy cluster\n\n`,
    );
    expect(info.errors).toHaveLength(1);
    expect(info).toMatchObject({ kind: 'unhealthy-cluster', node: A, memberId: 'a47f39dea14ac7db', retryable: true });
    expect(info.causes.map((c) => c.kind)).toEqual(['unhealthy-cluster']);
  });

  it('member not found alone is done; next to a certificate problem the certificate problem decides', () => {
    const gone = classifyError(
      `error from node ${A}: rpc error: code = NotFound desc = failed to remove member 11853256372613990363: etcdserver: member not found`,
    );
    expect([gone.kind, gone.class, gone.retryable]).toEqual(['member-not-found', 'done', false]);
    const mixed = classifyError(
      `failed to leave cluster: 2 error(s) occurred:\n\t${X509}\n\tetcdserver: member not found`,
    );
    expect(mixed.kind).toBe('certificate');
  });

  it('RBAC and a worker endpoint are config problems with the fix in words', () => {
    const rbac = classifyError(`error from node ${A}: rpc error: code = PermissionDenied desc = not authorized`);
    expect([rbac.kind, rbac.class, rbac.retryable]).toEqual(['permission-denied', 'config', false]);
    expect(rbac.hint).toContain('os:admin');
    expect(rbac.hint).toContain('os:etcd:backup');
    const fwd = classifyError(`error from node ${A}: rpc error: code = PermissionDenied desc = no request forwarding`);
    expect(fwd.kind).toBe('no-request-forwarding');
    expect(fwd.hint).toContain('control-plane node');
  });

  it('a --wait command that ends non-zero after progress only: the progress says where it stopped', () => {
    const o = toNodeOutcome(run('◳ watching nodes: [10.68.182.3]\n    * 10.68.182.3: unavailable, retrying...\n', 1));
    expect(o.ok).toBe(false);
    expect(o.errors[0]).toMatchObject({ kind: 'unreachable', node: '10.68.182.3', retryable: false });
    expect(o.errors[0]?.desc).toContain('last progress: 10.68.182.3: unavailable, retrying...');
    expect(toNodeOutcome(run('◲ watching nodes: [a]\n    * a: post check passed\n', 0)).ok).toBe(true);
  });
});

describe('member ids without leading zeros (talosctl ≤ 1.2) are read and normalized', () => {
  it('etcd status: member and leader', () => {
    const p = parseStatus(
      'NODE         MEMBER          DB SIZE   IN USE            LEADER   RAFT INDEX   RAFT TERM   RAFT APPLIED INDEX   LEARNER   ERRORS\n' +
        '172.20.0.4   a2b8a1f794bdd   3.6 MB    2.2 MB (61.59%)   0        4703         2           4703                 false\n',
    );
    expect(p.ok && p.value[0]).toMatchObject({ member: '000a2b8a1f794bdd', leader: '0000000000000000' });
  });

  it('etcd alarm list', () => {
    const p = parseAlarms('NODE         MEMBER       ALARM\n172.20.0.2   49c021e76e   NOSPACE\n');
    expect(p.ok && p.value).toEqual([{ node: '172.20.0.2', member: '00000049c021e76e', kind: 'NOSPACE' }]);
  });

  it('an id longer than 16 digits is still refused', () => {
    expect(parseAlarms('NODE   MEMBER   ALARM\n1.2.3.4   1a49c021e76e707db   NOSPACE\n').ok).toBe(false);
  });
});

// fast-check runs on the run's seed (test/setup/global.ts prints it; TALOS_DR_TEST_SEED fixes it)
describe('classifyError never throws and stays consistent on mutated real output', () => {
  const mutate = fc
    .tuple(
      fc.constantFrom(...REAL),
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
          fc.record({ op: fc.constant('dup' as const), at: fc.nat() }),
          fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.constantFrom('\t', '  ', '\t* ', '') }),
          fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 60 }) }),
          fc.record({ op: fc.constant('splice' as const), at: fc.nat(), other: fc.constantFrom(...REAL) }),
          fc.record({ op: fc.constant('node' as const), at: fc.nat() }),
        ),
        { maxLength: 6 },
      ),
    )
    .map(([base, ops]) => {
      let lines = base.split('\n');
      for (const o of ops) {
        const i = lines.length === 0 ? 0 : o.at % lines.length;
        if (o.op === 'drop') lines.splice(i, 1);
        else if (o.op === 'dup') lines.splice(i, 0, lines[i] ?? '');
        else if (o.op === 'indent') lines[i] = `${o.by}${lines[i] ?? ''}`;
        else if (o.op === 'insert') lines.splice(i, 0, o.text);
        else if (o.op === 'splice') lines.splice(i, 0, ...o.other.split('\n'));
        else lines[i] = `error from node ${A}: ${lines[i] ?? ''}`;
      }
      lines = lines.slice(0, 200);
      return lines.join('\n');
    });

  it('kinds are known, the primary is the worst node error, retryable means transient', () => {
    fc.assert(
      fc.property(mutate, fc.integer({ min: 0, max: 2 }), (stderr, exitCode) => {
        const info = classifyError(stderr);
        expect(info.raw).toBe(stderr);
        for (const e of [info, ...info.errors, ...info.errors.flatMap((x) => x.causes)]) {
          expect(KINDS).toContain(e.kind);
          expect(e.class).toBe(CLASS_OF[e.kind]);
          expect(e.retryable).toBe(e.class === 'transient');
        }
        for (const e of info.errors) expect(severity(info.kind)).toBeGreaterThanOrEqual(severity(e.kind));
        if (info.errors.length === 0) expect(info.kind).toBe('none');
        const o = toNodeOutcome(run(stderr, exitCode));
        if (exitCode !== 0) expect(o.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
