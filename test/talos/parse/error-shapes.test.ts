import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanLines, isProgress, readShapes } from '../../../src/talos/parse/error-shapes.js';

/**
 * The shapes talosctl prints its errors in, read into raw entries (no classification). Inputs are
 * the recorded stderr under fixtures/talosctl/<version>/errors/ (real pastes or derived from the
 * source, as each SOURCE.md says), plus hand-made lines for the edges.
 */

const stderr = (version: string, name: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../../fixtures/talosctl/${version}/errors/${name}/stderr.txt`, import.meta.url)),
    'utf8',
  );
const entry = (node: string | undefined, head: string, nested: string[] = [], warning = false) => ({
  node,
  head,
  nested,
  warning,
});

describe('cleanLines', () => {
  it('drops colours and cursor moves, turns CRLF and CR into LF', () => {
    expect(cleanLines('\u001b[31merror\u001b[0m: x\r\n\u001b[2Ky\rz')).toEqual(['error: x', 'y', 'z']);
  });

  it("stops at cobra's usage text (v1.14 single-node-with-usage)", () => {
    expect(cleanLines(stderr('v1.14', 'single-node-with-usage'))).toEqual([
      'command "etcd defrag" requires exactly one node (got 3)',
    ]);
  });

  it('keeps a line that only mentions Usage:', () => {
    expect(cleanLines('Usage: see docs\nx')).toEqual(['Usage: see docs', 'x']);
  });
});

describe('readShapes: error lists', () => {
  it('v1.14 errors.Join: one entry per `error from node` line', () => {
    expect(readShapes(stderr('v1.14', 'two-nodes'))).toEqual({
      entries: [
        entry('10.5.0.2', 'rpc error: code = Unavailable desc = etcdserver: no leader'),
        entry(
          '10.5.0.3',
          'rpc error: code = Unimplemented desc = member list is only available on control plane nodes',
        ),
      ],
      progress: [],
    });
  });

  it('≤1.13 hashicorp multierror: the header is only the container of its bullets', () => {
    expect(readShapes(stderr('v1.13', 'multierror-two')).entries).toEqual([
      entry('10.5.0.2', 'rpc error: code = Unavailable desc = etcdserver: no leader'),
      entry(
        '10.5.0.3',
        'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"',
      ),
    ]);
  });

  it('≤1.13 WARNING form: the bullets are warnings (the command succeeded for other nodes)', () => {
    expect(readShapes(stderr('v1.13', 'warning-with-exit0')).entries).toEqual([
      entry(
        '10.5.0.4',
        'rpc error: code = Unimplemented desc = etcd alarm list is only available on control plane nodes',
        [],
        true,
      ),
    ]);
  });

  it('a list nested in a cause stays under its node (v1.14 leave-nested-member-not-found)', () => {
    expect(readShapes(stderr('v1.14', 'leave-nested-member-not-found')).entries).toEqual([
      entry('172.20.1.4', 'rpc error: code = Unknown desc = failed to leave cluster: 2 error(s) occurred:', [
        '\tfailed to remove member 18170020383193692139: etcdserver: server stopped',
        '\tfailed to remove member 18170020383193692139: etcdserver: member not found',
      ]),
    ]);
  });

  it('go-retry lists (no bullets): one entry for the command, its causes nested (v1.13 bootstrap-three-causes)', () => {
    const r = readShapes(stderr('v1.13', 'bootstrap-three-causes'));
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]?.node).toBeUndefined();
    expect(r.entries[0]?.head).toBe('bootstrap error: 3 error(s) occurred:');
    expect(r.entries[0]?.nested.map((l) => l.trim())).toEqual([
      'rpc error: code = DeadlineExceeded desc = context deadline exceeded while waiting for connections to become ready',
      'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:45843: i/o timeout"',
      'timeout',
    ]);
  });

  it('a plain warning is not an error (v1.14 version-warning-only); a warning that names an error is', () => {
    expect(readShapes(stderr('v1.14', 'version-warning-only'))).toEqual({ entries: [], progress: [] });
    expect(readShapes('WARNING: could not read: error reading x\n').entries).toEqual([
      entry(undefined, 'could not read: error reading x', [], true),
    ]);
  });

  it('a line that reads "1 error occurred:" after an rpc error opens no node list', () => {
    const head = 'rpc error: code = Unknown desc = failed to leave cluster: 1 error occurred:';
    expect(readShapes(`${head}\n\t* 10.5.0.9: boom\n`).entries).toEqual([
      entry(undefined, head, ['\t* 10.5.0.9: boom']),
    ]);
  });

  it('bullets after a header that already holds nested lines stay nested', () => {
    const text = 'context: 2 errors occurred:\n\tplain cause\n\t* 10.5.0.2: late bullet\n';
    expect(readShapes(text).entries).toEqual([
      entry(undefined, 'context: 2 errors occurred:', ['\tplain cause', '\t* 10.5.0.2: late bullet']),
    ]);
  });

  it('any other line is an entry of its own; indented text with nothing before it too; never a throw', () => {
    expect(readShapes('something odd\n').entries).toEqual([entry(undefined, 'something odd')]);
    expect(readShapes('\n\n').entries).toEqual([]);
    expect(readShapes('   orphan indented\n').entries).toEqual([entry(undefined, '   orphan indented')]);
  });
});

describe('readShapes: the --wait tracker', () => {
  it("not a terminal: each node's last line decides; progress is progress, anything else its error (v1.14 wait-not-a-terminal)", () => {
    expect(readShapes(stderr('v1.14', 'wait-not-a-terminal'))).toEqual({
      entries: [
        entry(
          '10.5.0.3',
          'sequence error: error running phase 3 in reset sequence: task 1/1: failed, failed to leave cluster: etcdserver: re-configuration failed due to not enough started members',
        ),
      ],
      progress: [{ node: '10.5.0.2', message: 'post check passed' }],
    });
  });

  it("a terminal: the last block after a spinner line tells each node's state (v1.13 wait-progress-two-nodes)", () => {
    expect(readShapes(stderr('v1.13', 'wait-progress-two-nodes'))).toEqual({
      entries: [],
      progress: [
        { node: '192.168.1.100', message: 'service: kubelet message: Health check successful healthy: true' },
        { node: '192.168.1.99', message: 'post check passed' },
      ],
    });
  });

  it('a redrawn block forgets the one before it', () => {
    const text =
      '◳ watching nodes: [a b]\n    * a: error: boom\n    * b: phase: x\n◲ watching nodes: [a b]\n    * b: post check passed\n';
    expect(readShapes(text)).toEqual({ entries: [], progress: [{ node: 'b', message: 'post check passed' }] });
  });

  it("a node's error drops talosctl's `error: ` prefix", () => {
    expect(readShapes('◳ watching nodes: [a]\n    * a: error: boom\n').entries).toEqual([entry('a', 'boom')]);
  });

  it("--debug: stops at the nodes' console logs; other lines are entries (v1.13 wait-debug-interrupted)", () => {
    const r = readShapes(stderr('v1.13', 'wait-debug-interrupted'));
    expect(r.progress).toEqual([{ node: '10.2.1.1', message: 'actor ID: aa1f7b97-d422-4842-8b17-44e53b3046d3' }]);
    expect(r.entries).toEqual([
      entry(undefined, 'Signal received, aborting, press Ctrl+C once again to abort immediately...'),
    ]);
  });
});

describe('isProgress', () => {
  it.each([
    'waiting for actor ID',
    'actor ID: 6f1c',
    'unavailable, retrying...',
    'post check passed',
    'events check condition met',
    'phase: stopEverything',
    'task: stopAllPods action: START',
    'stage: Running',
    'service: etcd',
    'sequence: reset',
    '  post check passed  ',
  ])('%j is progress', (m) => {
    expect(isProgress(m)).toBe(true);
  });

  it.each([
    'sequence: reset error: [task failed]',
    'sequence error: error running phase 3',
    'error: boom',
    'failed to leave cluster',
    'rpc error: code = Unavailable',
    '',
  ])('%j is not', (m) => {
    expect(isProgress(m)).toBe(false);
  });
});
