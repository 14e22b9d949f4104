import { describe, expect, it } from 'vitest';
import { fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

// A step's retries are for failures that may pass; a wrong talosconfig (certificate, RBAC,
// worker endpoint) will not, and retrying only hides it behind "did not answer" at the timeout.
const RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-retry, title: Retry a read (test) }
params:
  healthy: { type: node, description: a healthy node }
steps:
  - id: alarms
    talosctl: [etcd, alarm, list]
    node: { ref: params.healthy }
    retry: { attempts: 3, backoff: 10ms }
`;

const X509 =
  'error from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"\n';
const DEADLINE = 'error from node 10.5.0.2: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n';

function failing(stderr: string) {
  const fake = fakeTalosctl();
  const run = fake.run.bind(fake);
  fake.run = async (node, args, opts) => {
    if (args.join(' ') !== 'etcd alarm list') return run(node, args, opts);
    fake.calls.push({ node, args: [...args] });
    return { ...(await run(node, ['etcd', 'defrag'], opts)), exitCode: 1, stderr };
  };
  return fake;
}

const alarmCalls = (fake: ReturnType<typeof fakeTalosctl>) =>
  fake.calls.filter((c) => c.args.join(' ') === 'etcd alarm list').length;

describe('retries and the class of the failure', () => {
  it('a certificate failure is not retried, and the step says what to fix', async () => {
    const fake = failing(X509);
    const { result } = await go({ fake, text: RUNBOOK, params: ['healthy=10.5.0.2'] });
    expect(result).toMatchObject({ exitCode: 1, stepId: 'alarms' });
    expect(alarmCalls(fake)).toBe(1);
    expect(result.message).toContain('x509: certificate signed by unknown authority');
    expect(result.message).toContain('use the talosconfig generated with this cluster');
  });

  it('a DeadlineExceeded is retried up to the step attempts', async () => {
    const fake = failing(DEADLINE);
    const { result } = await go({ fake, text: RUNBOOK, params: ['healthy=10.5.0.2'] });
    expect(result.exitCode).toBe(1);
    expect(alarmCalls(fake)).toBe(3);
  });
});
