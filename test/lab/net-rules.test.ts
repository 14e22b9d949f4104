import { describe, expect, it } from 'vitest';
import { isTalosDrError } from '../../src/io/errors.js';
import { labTableName, memberGid } from '../../src/lab/net-ids.js';
import { flapSpec, nodeFault } from '../../src/lab/net-inject.js';
import { countRules } from '../../src/lab/net-keeper.js';
import { batchLine, type NetFault, type NetMember, relaysOf, renderRules } from '../../src/lab/net-rules.js';

const members: NetMember[] = [
  { name: 'lab-cp-1', ip: '127.0.0.71', index: 1 },
  { name: 'lab-cp-2', ip: '127.0.0.72', index: 2 },
  { name: 'lab-cp-3', ip: '127.0.0.73', index: 3 },
];
const table = labTableName('127.0.0.71');
const plan = (faults: Record<string, NetFault>) => ({ table, members, faults: new Map(Object.entries(faults)) });
const ALL: NetFault[] = [
  { kind: 'partition' },
  { kind: 'partition-oneway' },
  { kind: 'latency', ms: 300 },
  { kind: 'loss', percent: 30 },
];

/**
 * Every address, port and number a rule mentions, checked against the lab's own: member
 * addresses, the peer port 2380, the relay ports 2400-2409 (on member addresses), member gids
 * (as skgid and as ct mark), the loss percentage and nft's priorities. Returns what is foreign.
 */
function foreignTokens(rule: string, allowedNumbers: readonly number[] = []): string[] {
  const ips = new Set(members.map((m) => m.ip));
  const gids = new Set(members.map((m) => memberGid(m.ip)));
  const bad: string[] = [];
  let rest = rule.replace(/\b(\d+\.\d+\.\d+\.\d+)(?::(\d+))?/g, (_all, ip: string, port?: string) => {
    if (!ips.has(ip)) bad.push(ip);
    if (port !== undefined && !(Number(port) >= 2400 && Number(port) <= 2409)) bad.push(`${ip}:${port}`);
    return ' ';
  });
  rest = rest.replace(/\b([ds]port) (\d+)/g, (_a, _k, port: string) => {
    if (port !== '2380') bad.push(`port ${port}`);
    return ' ';
  });
  for (const m of rest.matchAll(/-?\b\d+\b/g)) {
    const n = Number(m[0]);
    if (!gids.has(n) && !allowedNumbers.includes(n)) bad.push(m[0]);
  }
  return bad;
}

describe('renderRules', () => {
  it('partition: drops every packet of the member’s peer connections, both ways, in the lab’s own table', () => {
    expect(renderRules(plan({ 'lab-cp-2': { kind: 'partition' } }))).toEqual([
      'add table inet talos_dr_lab_127_0_0_71 { flags owner; }',
      'add chain inet talos_dr_lab_127_0_0_71 tag { type filter hook output priority mangle; }',
      'add rule inet talos_dr_lab_127_0_0_71 tag meta skgid 1700000071 ip daddr { 127.0.0.71, 127.0.0.72, 127.0.0.73 } tcp dport 2380 ct mark set 1700000071',
      'add rule inet talos_dr_lab_127_0_0_71 tag meta skgid 1700000072 ip daddr { 127.0.0.71, 127.0.0.72, 127.0.0.73 } tcp dport 2380 ct mark set 1700000072',
      'add rule inet talos_dr_lab_127_0_0_71 tag meta skgid 1700000073 ip daddr { 127.0.0.71, 127.0.0.72, 127.0.0.73 } tcp dport 2380 ct mark set 1700000073',
      'add chain inet talos_dr_lab_127_0_0_71 faults { type filter hook input priority filter; }',
      'add rule inet talos_dr_lab_127_0_0_71 faults ct mark 1700000072 counter drop',
      'add rule inet talos_dr_lab_127_0_0_71 faults ip daddr 127.0.0.72 tcp dport 2380 counter drop',
      'add rule inet talos_dr_lab_127_0_0_71 faults ip saddr 127.0.0.72 tcp sport 2380 counter drop',
    ]);
  });

  it('partition-oneway: only what the member sends (its connections’ original direction, its answers)', () => {
    const fault = renderRules(plan({ 'lab-cp-1': { kind: 'partition-oneway' } })).filter((r) => r.includes(' faults '));
    expect(fault.slice(1)).toEqual([
      'add rule inet talos_dr_lab_127_0_0_71 faults ct mark 1700000071 ct direction original counter drop',
      'add rule inet talos_dr_lab_127_0_0_71 faults ip saddr 127.0.0.71 tcp sport 2380 counter drop',
    ]);
  });

  it('loss: a random share of the member’s peer packets, each way', () => {
    const rules = renderRules(plan({ 'lab-cp-3': { kind: 'loss', percent: 30 } })).filter((r) =>
      r.includes(' faults '),
    );
    expect(rules.slice(1).every((r) => r.endsWith('numgen random mod 100 < 30 counter drop'))).toBe(true);
    expect(rules).toHaveLength(4);
  });

  it('latency: the member’s connections to each peer and the peers’ to it go to relays on its address; old ones are reset', () => {
    const rules = renderRules(plan({ 'lab-cp-2': { kind: 'latency', ms: 300 } }));
    expect(rules.filter((r) => r.includes(' to_relay ') && r.startsWith('add rule'))).toEqual([
      'add rule inet talos_dr_lab_127_0_0_71 to_relay meta skgid 1700000072 ip daddr 127.0.0.71 tcp dport 2380 dnat ip to 127.0.0.72:2401',
      'add rule inet talos_dr_lab_127_0_0_71 to_relay meta skgid 1700000072 ip daddr 127.0.0.73 tcp dport 2380 dnat ip to 127.0.0.72:2403',
      'add rule inet talos_dr_lab_127_0_0_71 to_relay meta skgid { 1700000071, 1700000073 } ip daddr 127.0.0.72 tcp dport 2380 dnat ip to 127.0.0.72:2400',
    ]);
    expect(rules.filter((r) => r.includes(' cut ') && r.startsWith('add rule'))).toHaveLength(2);
    expect(relaysOf(plan({ 'lab-cp-2': { kind: 'latency', ms: 300 } }))).toEqual([
      {
        listenIp: '127.0.0.72',
        listenPort: 2400,
        targetIp: '127.0.0.72',
        sourceIp: '127.0.0.72',
        delayUpMs: 150,
        delayDownMs: 150,
      },
      {
        listenIp: '127.0.0.72',
        listenPort: 2401,
        targetIp: '127.0.0.71',
        sourceIp: '127.0.0.72',
        delayUpMs: 150,
        delayDownMs: 150,
      },
      {
        listenIp: '127.0.0.72',
        listenPort: 2403,
        targetIp: '127.0.0.73',
        sourceIp: '127.0.0.72',
        delayUpMs: 150,
        delayDownMs: 150,
      },
    ]);
  });

  it.each(
    ALL,
  )('$kind on each member mentions only the lab’s addresses, port 2380, relay ports and member gids', (f) => {
    for (const m of members) {
      const rules = renderRules(plan({ [m.name]: f }));
      expect(rules.length).toBeGreaterThan(4);
      for (const r of rules) {
        expect(
          r.startsWith(`add table inet ${table} `) ||
            r.startsWith(`add chain inet ${table} `) ||
            r.startsWith(`add rule inet ${table} `),
        ).toBe(true);
        const body = r.replace(`inet ${table}`, '');
        expect(foreignTokens(body, [100, 30, -100]), r).toEqual([]);
      }
    }
  });

  it('the scope check itself finds a foreign address, port or group (it can fail)', () => {
    expect(foreignTokens('ip daddr 127.0.0.1 tcp dport 2380 drop')).toEqual(['127.0.0.1']);
    expect(foreignTokens('ip daddr 127.0.0.72 tcp dport 22 drop')).toEqual(['port 22']);
    expect(foreignTokens('meta skgid 0 drop')).toEqual(['0']);
    expect(foreignTokens('dnat ip to 127.0.0.72:80')).toEqual(['127.0.0.72:80']);
  });

  it('several members at once: one table, each fault once', () => {
    const rules = renderRules(plan({ 'lab-cp-1': { kind: 'partition' }, 'lab-cp-3': { kind: 'loss', percent: 5 } }));
    expect(rules.filter((r) => r.startsWith('add table'))).toHaveLength(1);
    expect(rules.filter((r) => r.includes('1700000071 counter drop'))).toHaveLength(1);
    expect(rules.filter((r) => r.includes('< 5 counter drop'))).toHaveLength(3);
  });

  it('heal (no fault) renders nothing, and the batch only deletes the table if there is one', () => {
    expect(renderRules(plan({}))).toEqual([]);
    expect(relaysOf(plan({}))).toEqual([]);
    expect(batchLine(table, true, [])).toBe(`delete table inet ${table}`);
    expect(batchLine(table, false, [])).toBeNull();
  });

  it('a change replaces the whole table in one transaction (one line for nft -i)', () => {
    const rules = renderRules(plan({ 'lab-cp-1': { kind: 'partition' } }));
    const line = batchLine(table, true, rules);
    expect(line?.split('; ')[0]).toBe(`delete table inet ${table}`);
    expect(line).not.toContain('\n');
  });
});

describe('member groups and table names', () => {
  it('differ per address and stay far above real groups', () => {
    expect(memberGid('127.0.0.71')).toBe(1_700_000_071);
    expect(memberGid('127.1.2.3')).toBe(1_700_000_000 + 65536 + 512 + 3);
    expect(new Set(members.map((m) => memberGid(m.ip))).size).toBe(3);
    expect(() => memberGid('10.0.0.1')).toThrow(/127/);
    expect(labTableName('127.0.0.11')).toBe('talos_dr_lab_127_0_0_11');
  });
});

describe('countRules', () => {
  it('counts rule lines of nft -a list, not the table’s or chains’ handles', () => {
    const listing = [
      'table inet t { # progname nft # handle 13',
      '\tflags owner',
      '\tchain tag { # handle 1',
      '\t\ttype filter hook output priority mangle; policy accept;',
      '\t\tmeta skgid 1700000071 tcp dport 2380 ct mark set 0x6553f147 # handle 2',
      '\t}',
      '\tchain faults { # handle 3',
      '\t\tct mark 0x6553f147 counter packets 0 bytes 0 drop # handle 4',
      '\t}',
      '}',
    ].join('\n');
    expect(countRules(listing)).toBe(2);
  });
});

describe('fault flags', () => {
  const flagOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (isTalosDrError(e)) return e.message;
    }
    return 'no error';
  };
  it('name the flag and the bad value', () => {
    expect(flagOf(() => nodeFault('latency', { ms: 0 }))).toBe('--ms "0": must be 2 to 10000 (ms)');
    expect(flagOf(() => nodeFault('latency', {}))).toBe('fault latency needs --ms <n> (e.g. 300)');
    expect(flagOf(() => nodeFault('loss', { percent: 101 }))).toBe(
      '--percent "101": must be a whole number from 1 to 100',
    );
    expect(flagOf(() => flapSpec({ cutMs: 100 }))).toBe('--cut "100": must be from 500ms to 10m');
    expect(flagOf(() => flapSpec({ cutMs: 3000, everyMs: 3000 }))).toBe(
      '--every "3000": must be longer than --cut (3000 ms)',
    );
    expect(flapSpec({})).toEqual({ cutMs: 3000, everyMs: 10_000 });
    expect(nodeFault('loss', { percent: 30 })).toEqual({ kind: 'loss', percent: 30 });
  });
});
