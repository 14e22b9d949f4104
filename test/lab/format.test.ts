import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEndpointStatus, parseMemberList } from '../../src/lab/etcdctl.js';
import {
  formatInUse,
  formatMemberId,
  goDurationSeconds,
  goFixed,
  humanizeBytes,
  tabwrite,
} from '../../src/lab/format.js';
import { parseShimArgs } from '../../src/lab/talosctl-shim.js';

describe('humanizeBytes (go-humanize Bytes, SI)', () => {
  it.each([
    [0, '0 B'],
    [9, '9 B'],
    [10, '10 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [20480, '20 kB'],
    [45056, '45 kB'],
    [2142208, '2.1 MB'],
    [21_000_000, '21 MB'],
    [3_600_000, '3.6 MB'],
    [4_500_000, '4.5 MB'],
    [2 * 1024 ** 3, '2.1 GB'],
  ])('%d → %s', (n, s) => {
    expect(humanizeBytes(n)).toBe(s);
  });

  it('always prints a number and an SI unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (n) => {
        expect(humanizeBytes(n)).toMatch(/^\d+(\.\d)? (B|kB|MB|GB|TB|PB)$/);
      }),
    );
  });
});

describe('talosctl cells', () => {
  it('formats IN USE like talosctl', () => {
    expect(formatInUse(6_000_000, 20_632_576)).toBe('6.0 MB (29.08%)');
    expect(formatInUse(2_200_000, 3_572_000)).toBe('2.2 MB (61.59%)');
  });

  it('pads member ids to 16 hex digits without losing uint64 precision', () => {
    expect(formatMemberId('4976744959362339525')).toBe('4510f32c308212c5');
    expect(formatMemberId('171')).toBe('00000000000000ab');
    expect(formatMemberId('18446744073709551615')).toBe('ffffffffffffffff');
  });

  it('rounds exact ties half to even as Go does', () => {
    expect(goFixed(10.5, 0)).toBe('10');
    expect(goFixed(11.5, 0)).toBe('12');
    expect(goFixed(2.25, 1)).toBe('2.2');
    expect(goFixed(29.0833, 2)).toBe('29.08');
  });

  it('prints durations like Go rounded to seconds', () => {
    expect(goDurationSeconds(400)).toBe('0s');
    expect(goDurationSeconds(17_000)).toBe('17s');
    expect(goDurationSeconds(870_000)).toBe('14m30s');
    expect(goDurationSeconds(3_723_000)).toBe('1h2m3s');
  });
});

describe('tabwrite (Go tabwriter, padding 3)', () => {
  it('pads every terminated cell to its column width + 3 and leaves the last cell alone', () => {
    const out = tabwrite([
      'NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER',
      '172.20.0.2\ta49c021e76e707db\tcp-1\thttps://172.20.0.2:2380\thttps://172.20.0.2:2379\tfalse',
    ]);
    expect(out).toBe(
      'NODE         ID                 HOSTNAME   PEER URLS                 CLIENT URLS               LEARNER\n' +
        '172.20.0.2   a49c021e76e707db   cp-1       https://172.20.0.2:2380   https://172.20.0.2:2379   false\n',
    );
  });

  it('aligns a key/value block like `service etcd`', () => {
    expect(tabwrite(['NODE\t172.20.0.2', 'ID\tetcd', 'EVENTS\t[Preparing]: Running pre state (17s ago)', '\tx'])).toBe(
      'NODE     172.20.0.2\nID       etcd\nEVENTS   [Preparing]: Running pre state (17s ago)\n         x\n',
    );
  });
});

describe('etcdctl JSON', () => {
  it('keeps uint64 ids exact', () => {
    const raw =
      '{"header":{"cluster_id":12673166685421775754,"member_id":13755208326398338167,"raft_term":2},"members":[{"ID":4976744959362339525,"name":"n3","peerURLs":["http://127.0.0.4:2380"],"clientURLs":["http://127.0.0.4:2379"]},{"ID":15252290393429013770,"peerURLs":["http://127.0.0.5:2380"],"isLearner":true}]}';
    const m = parseMemberList(raw);
    expect(m.map((x) => formatMemberId(x.id))).toEqual(['4510f32c308212c5', 'd3ab054d7f70750a']);
    expect(m[1]).toMatchObject({ name: '', clientURLs: [], isLearner: true });
  });

  it('reads a status without a leader as leader 0 with its errors', () => {
    const st = parseEndpointStatus(
      '[{"Endpoint":"http://127.0.0.2:2379","Status":{"header":{"member_id":4976744959362339525,"revision":7},"version":"3.4.23","dbSize":20480,"raftIndex":8,"raftTerm":2,"raftAppliedIndex":8,"errors":["etcdserver: no leader"],"dbSizeInUse":16384}}]',
    );
    expect(st).toMatchObject({ leader: '0', revision: 7, dbSizeInUse: 16384, errors: ['etcdserver: no leader'] });
  });
});

describe('shim argv', () => {
  it('accepts -n lists, repeated --nodes, --flag=value and ignores talosconfig/context', () => {
    const p = parseShimArgs([
      '-n',
      '127.0.0.11,127.0.0.12',
      '--nodes=127.0.0.13',
      '--talosconfig',
      'x',
      'etcd',
      'members',
    ]);
    expect('error' in p).toBe(false);
    if ('error' in p) return;
    expect(p.words).toEqual(['etcd', 'members']);
    expect(p.flags.get('nodes')).toEqual(['127.0.0.11,127.0.0.12', '127.0.0.13']);
  });

  it('rejects unknown flags', () => {
    expect(parseShimArgs(['--bogus'])).toEqual({ error: 'unknown flag: --bogus' });
  });
});
