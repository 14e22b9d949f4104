import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ValueType } from '../../src/checks/catalog.js';
import { validateArgvValue, validateParamValue } from '../../src/runbook/params.js';
import { resolveArgv } from '../../src/runbook/refs.js';
import { checkArgs, checkNode } from '../../src/talos/argv-guard.js';
import { createTalosctl } from '../../src/talos/talosctl.js';

/**
 * Hostile parameter values, each pushed through every gate between an operator's `--param` and
 * talosctl's argv: validateParamValue → resolveArgv/validateArgvValue → the adapter (checkNode,
 * checkArgs) → a stand-in talosctl that records every argv it receives. The record must stay
 * empty. Non-loopback nodes go to bin/talosctl-lab, which must refuse them (exit 1) touching nothing.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const FAKE = join(ROOT, 'fixtures/bin/fake-talosctl.mjs');
const TALOSCTL_LAB = join(ROOT, 'bin/talosctl-lab');

/** Values no param of these types may turn into an argv item. */
export const HOSTILE: Record<'node' | 'memberId' | 'path', string[]> = {
  node: [
    '10.0.0.1;reboot',
    '$(reboot)',
    '`reboot`',
    '10.0.0.1\n--nodes=10.0.0.9',
    '10.0.0.1\u0000',
    '-n10.0.0.9',
    '--nodes=10.0.0.9',
    '--talosconfig=/tmp/evil',
    '-e',
    '10.0.0.1,10.0.0.2',
    '10.0.0.1 10.0.0.2',
    '../10.0.0.1',
    '',
    '\u202e10.0.0.1',
  ],
  memberId: ['--all', '-n', '0a1b2c3d4e5f6a7b;x', '$(id)', '0a1b2c3d4e5f6a7b\n', '0A1B2C3D4E5F6A7B', '..'],
  path: [
    '--talosconfig=/x',
    '-n',
    '../../etc/passwd',
    '/var/lib/../../../etc/shadow',
    '/tmp/s;reboot',
    '/tmp/$(reboot)',
    '/tmp/`reboot`',
    '/tmp/a\nb',
    '/tmp/a\u0000b',
    '',
  ],
};

/** Arguments a step may never smuggle into argv (node selection or NUL). */
export const HOSTILE_ARGS = [
  '--nodes',
  '-n',
  '-n10.0.0.9',
  '--nodes=10.0.0.9',
  '--talosconfig',
  '--talosconfig=/x',
  '--endpoints',
  '-e',
  '--context=prod',
  'a\u0000b',
];

/** Nodes the lab shim must refuse: everything outside 127.0.0.0/8, and names. */
export const NON_LOOPBACK = [
  '10.0.0.1',
  '192.168.1.1',
  '::1',
  '[::1]',
  'localhost',
  '127.0.0.1.nip.io',
  '2130706433',
  '0x7f000001',
  '127.1',
  '127.0.0.256',
  '127.0.0.11,10.0.0.1',
];

export interface HostileFigures {
  /** (type, value) pairs pushed through the param → argv chain */
  paramCases: number;
  paramsRejected: number;
  /** gates that let a hostile value through, per gate (all must be 0) */
  leakedByGate: Record<string, number>;
  adapterCases: number;
  adapterRefused: number;
  /** argv records written by the stand-in talosctl (must be 0) */
  argvRecorded: number;
  labCases: number;
  labRefused: number;
  /** lab dirs created or touched by a refused call (must be 0) */
  labTouched: number;
  samples: string[];
}

const NODE_FLAG = /^(?:-n|--nodes|-e|--endpoints|--talosconfig|--context)(?:=.*)?$|^-n./;

const PARAM_ARGV: Record<keyof typeof HOSTILE, readonly string[]> = {
  node: ['etcd', 'members'],
  memberId: ['etcd', 'remove-member'],
  path: ['etcd', 'snapshot'],
};

async function rejected(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => false,
    () => true,
  );
}

/** `labForms`: how many of the three argv forms each non-loopback node is tried with (CI uses 1). */
export async function hostileParams(opts: { labForms?: number } = {}): Promise<HostileFigures> {
  const tmp = mkdtempSync(join(tmpdir(), 'tdr-hostile-'));
  const record = join(tmp, 'argv.json');
  const f: HostileFigures = {
    paramCases: 0,
    paramsRejected: 0,
    leakedByGate: { validateParamValue: 0, validateArgvValue: 0, resolveArgv: 0, checkNode: 0, checkArgs: 0 },
    adapterCases: 0,
    adapterRefused: 0,
    argvRecorded: 0,
    labCases: 0,
    labRefused: 0,
    labTouched: 0,
    samples: [],
  };
  const leak = (gate: string, what: string) => {
    f.leakedByGate[gate] = (f.leakedByGate[gate] ?? 0) + 1;
    if (f.samples.length < 10) f.samples.push(`${gate} let through ${JSON.stringify(what)}`);
  };
  const talosctl = createTalosctl({ binary: FAKE, env: { FAKE_ARGV_OUT: record } });
  try {
    for (const [type, values] of Object.entries(HOSTILE) as Array<[keyof typeof HOSTILE, string[]]>) {
      for (const text of values) {
        f.paramCases++;
        // each gate on its own: every one must refuse (defence in depth), then the whole chain
        if (validateParamValue(type as ValueType, text).ok) leak('validateParamValue', `${type}: ${text}`);
        if (validateArgvValue(type as ValueType, text).ok) leak('validateArgvValue', `${type}: ${text}`);
        const scope = { params: { p: text }, captures: {}, vars: {} };
        const argv = resolveArgv([...PARAM_ARGV[type], { ref: 'params.p' }], [undefined, undefined, type], scope);
        if (argv.ok) leak('resolveArgv', `${type}: ${text}`);
        if (type === 'node') {
          let ok = true;
          try {
            checkNode(text);
          } catch {
            ok = false;
          }
          if (ok) leak('checkNode', text);
        }
        // the chain as the engine runs it: a value reaches talosctl only if every gate passed it
        const parsed = validateParamValue(type as ValueType, text);
        const target = type === 'node' ? text : '127.0.0.11';
        const chainArgv = parsed.ok && argv.ok ? argv.value : undefined;
        if (chainArgv === undefined) f.paramsRejected++;
        else await talosctl.run(target, chainArgv).catch(() => undefined);
        // and the adapter on its own, given the raw value as node or as an argument
        f.adapterCases++;
        const refused =
          type === 'node'
            ? await rejected(talosctl.run(text, ['etcd', 'members']))
            : await rejected(talosctl.run('127.0.0.11', [...PARAM_ARGV[type], text]));
        // the adapter cannot tell a param from a flag the runbook itself wrote (`--graceful=false`):
        // it must refuse bad nodes, node-selecting flags and NUL; other values are the typed gates' job
        const mustRefuse = type === 'node' || NODE_FLAG.test(text) || text.includes('\u0000');
        if (refused) f.adapterRefused++;
        else if (mustRefuse) leak(type === 'node' ? 'checkNode' : 'checkArgs', text);
        else f.adapterRefused++; // typed gates refused it; the adapter is not asked to
        if (existsSync(record) && (mustRefuse || chainArgv !== undefined)) {
          f.argvRecorded++;
          if (f.samples.length < 10) f.samples.push(`argv reached talosctl: ${readFileSync(record, 'utf8')}`);
        }
        rmSync(record, { force: true });
      }
    }
    for (const a of HOSTILE_ARGS) {
      f.adapterCases++;
      let ok = true;
      try {
        checkArgs(['etcd', 'members', a]);
      } catch {
        ok = false;
      }
      if (ok) leak('checkArgs', a);
      if (await rejected(talosctl.run('127.0.0.11', ['etcd', 'members', a]))) f.adapterRefused++;
      if (existsSync(record)) {
        f.argvRecorded++;
        rmSync(record, { force: true });
      }
    }
    for (const node of NON_LOOPBACK) {
      const forms = [
        ['--nodes', node, 'etcd', 'members'],
        [`--nodes=${node}`, 'etcd', 'leave'],
        ['-n', node, 'reset', '--graceful=false'],
      ];
      for (const argv of forms.slice(0, opts.labForms ?? forms.length)) {
        f.labCases++;
        const labDir = join(tmp, `lab-${f.labCases}`);
        const r = await execa(process.execPath, [TALOSCTL_LAB, ...argv], {
          reject: false,
          env: { TALOS_DR_LAB_DIR: labDir },
          timeout: 20_000,
        });
        if (r.exitCode === 1 && /refusing node/.test(String(r.stderr))) f.labRefused++;
        else if (f.samples.length < 10)
          f.samples.push(`talosctl-lab ${argv.join(' ')}: exit ${r.exitCode} ${r.stderr}`);
        if (existsSync(labDir)) f.labTouched++;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return f;
}
