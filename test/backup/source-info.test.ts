import { describe, expect, it } from 'vitest';
import { parseClusterName, parseServerTag } from '../../src/backup/source-info.js';

describe('source info', () => {
  it("reads the server's Talos tag from talosctl version (long and short), never the client's", () => {
    const long =
      'Client:\n\tTag:         v1.14.1\n\tSHA:         abc\nServer:\n\tNODE:        10.5.0.2\n\tTag:         v1.13.4\n\tSHA:         def\n';
    expect(parseServerTag(long)).toBe('v1.13.4');
    expect(parseServerTag('Client:\nTalos v1.14.1\nServer:\nNODE: 10.5.0.2\nTalos v1.14.0\n')).toBe('v1.14.0');
    // the lab's shim and a node that did not answer print no Server section: unknown, not the client
    expect(parseServerTag('Client:\nTalos v1.14.1\n')).toBeUndefined();
  });

  it('reads the cluster name of talosctl get info -o json', () => {
    expect(
      parseClusterName('{\n    "spec": {\n        "clusterId": "x=",\n        "clusterName": "prod-eu"\n    }\n}'),
    ).toBe('prod-eu');
    expect(parseClusterName('')).toBe('');
  });
});
