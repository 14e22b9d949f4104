import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { parseAlarms } from '../../src/talos/parse/alarms.js';
import { classifyError } from '../../src/talos/parse/errors.js';
import { parseLogs } from '../../src/talos/parse/logs.js';
import { parseMembers } from '../../src/talos/parse/members.js';
import { parseNoOutput } from '../../src/talos/parse/no-output.js';
import { parseRecovery } from '../../src/talos/parse/recovery.js';
import type { ParseResult } from '../../src/talos/parse/result.js';
import { parseService } from '../../src/talos/parse/service.js';
import { parseSnapshot } from '../../src/talos/parse/snapshot.js';
import { parseStatus } from '../../src/talos/parse/status.js';
import { parseTime } from '../../src/talos/parse/time.js';
import { parseClientVersion } from '../../src/talos/parse/version.js';
import { parseVolumeStatus } from '../../src/talos/parse/volume-status.js';

const ROOT = join(import.meta.dirname, '../../fixtures/talosctl');

interface Expected {
  exitCode: number;
  node?: string;
  expect: { ok: true; value: unknown } | { ok: false; code: string } | null;
  error?: Record<string, unknown> & {
    errorCount?: number;
    errorKinds?: string[];
    errorNodes?: string[];
    /** the kinds (codes) of the first error's nested causes */
    causeKinds?: string[];
    causeCodes?: (string | null)[];
    /** reset/reboot --wait: nodes whose last line is progress, not an error */
    progressCount?: number;
  };
  outcome?: { ok: boolean; partial: boolean };
}

const PARSERS: Record<string, (stdout: string, e: Expected) => ParseResult<unknown> | undefined> = {
  members: (s) => parseMembers(s),
  status: (s) => parseStatus(s),
  alarms: (s) => parseAlarms(s),
  snapshot: (s, e) => parseSnapshot(s, e.exitCode),
  service: (s) => parseService(s),
  recovery: (s) => parseRecovery(s),
  'no-output': (s) => parseNoOutput(s),
  version: (s) => parseClientVersion(s),
  logs: (s, e) => parseLogs(s, e.node),
  time: (s) => parseTime(s),
  'volume-status': (s) => parseVolumeStatus(s),
  errors: () => undefined,
};

const cases = readdirSync(ROOT).flatMap((ver) =>
  readdirSync(join(ROOT, ver)).flatMap((parser) =>
    readdirSync(join(ROOT, ver, parser)).map((name) => ({ ver, parser, name, dir: join(ROOT, ver, parser, name) })),
  ),
);

/** JSON has no undefined: compare through a JSON round trip (undefined → absent, like null fields). */
const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (x === undefined ? null : x)));

describe('every parser over every fixture', () => {
  it('has fixtures for both generations of every parser', () => {
    for (const parser of Object.keys(PARSERS)) {
      for (const ver of ['v1.14', 'v1.13']) expect(cases.some((c) => c.ver === ver && c.parser === parser)).toBe(true);
    }
  });

  it('every fixture kept from elsewhere names its source, or says it is derived', () => {
    for (const c of cases) {
      const source = join(c.dir, 'SOURCE.md');
      if (!existsSync(source)) continue;
      expect(readFileSync(source, 'utf8'), c.dir).toMatch(/^(?:Real (?:output|text): \S+\/\S+#\d+|DERIVED)/);
    }
  });

  it.each(cases)('$ver/$parser/$name', ({ parser, dir }) => {
    const stdout = readFileSync(join(dir, 'stdout.txt'), 'utf8');
    const stderr = readFileSync(join(dir, 'stderr.txt'), 'utf8');
    const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const parse = PARSERS[parser];
    expect(parse, `no parser for ${parser}`).toBeDefined();
    const got = parse?.(stdout, e);
    if (e.expect !== null) {
      expect(got).toBeDefined();
      if (e.expect.ok) expect(normalize(got)).toEqual(normalize(e.expect));
      else {
        expect(got?.ok).toBe(false);
        if (got !== undefined && !got.ok) {
          expect(got.error.code).toBe(e.expect.code);
          expect(got.error.raw).toBe(stdout);
        }
      }
    }
    if (e.error !== undefined) {
      const { errorCount, errorKinds, errorNodes, causeKinds, causeCodes, progressCount, ...fields } = e.error;
      const info = classifyError(stderr);
      expect(normalize(info)).toMatchObject(fields);
      if (errorCount !== undefined) expect(info.errors).toHaveLength(errorCount);
      if (errorKinds !== undefined) expect(info.errors.map((x) => x.kind)).toEqual(errorKinds);
      if (errorNodes !== undefined) expect(info.errors.map((x) => x.node)).toEqual(errorNodes);
      if (causeKinds !== undefined) expect(info.errors[0]?.causes.map((x) => x.kind)).toEqual(causeKinds);
      if (causeCodes !== undefined) expect(info.errors[0]?.causes.map((x) => x.code ?? null)).toEqual(causeCodes);
      if (progressCount !== undefined) expect(info.progress).toHaveLength(progressCount);
      expect(info.raw).toBe(stderr);
    }
    if (e.outcome !== undefined) {
      const o = toNodeOutcome({
        argv: [],
        binary: 'talosctl',
        node: 'n',
        pid: undefined,
        exitCode: e.exitCode,
        signal: null,
        stdout,
        stderr,
        durationMs: 1,
        timedOut: false,
        canceled: false,
      });
      expect({ ok: o.ok, partial: o.partial }).toEqual(e.outcome);
    }
  });
});
