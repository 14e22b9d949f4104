import type { ServiceEvent, ServiceState, ServiceStateName } from '../observations.js';
import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';

const STATES: readonly string[] = [
  'Initialized',
  'Starting',
  'Preparing',
  'Waiting',
  'Running',
  'Stopping',
  'Finished',
  'Failed',
  'Skipped',
  'Unknown',
] satisfies ServiceStateName[];
const HEALTHS: readonly string[] = ['OK', 'Fail', '?'];

const KEY = /^(NODE|ID|STATE|HEALTH|LAST HEALTH MESSAGE|EVENTS)(?: {2,}|\t|$)(.*)$/;
const EVENT = /^\[([^\]]*)\]: ([\s\S]*) \(([^()]+) ago\)$/;

interface Draft {
  line: number;
  fields: Map<string, string>;
  events: string[];
}

function isStateName(s: string): s is ServiceStateName {
  return STATES.includes(s);
}
function isHealth(s: string): s is ServiceState['health'] {
  return HEALTHS.includes(s);
}

/**
 * Parses `talosctl service etcd` (the detail form): one key/value block per node, each starting
 * with NODE, with no blank line between blocks. EVENTS continue on indented lines, newest first;
 * a message spanning several lines is joined with newlines.
 */
export const parseService: (stdout: string) => ParseResult<ServiceState[]> = neverThrow((stdout: string) => {
  const drafts: Draft[] = [];
  let inEvents = false;
  for (const [i, raw] of toLines(stdout).entries()) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const fail = (why: string): ParseResult<ServiceState[]> =>
      parseFailure('bad-line', `service: ${why}: ${JSON.stringify(line)}`, stdout, i + 1);
    const m = KEY.exec(line);
    const current = drafts[drafts.length - 1];
    if (m !== null) {
      const key = m[1] ?? '';
      const value = (m[2] ?? '').trim();
      if (key === 'NODE' || (key === 'ID' && (current === undefined || current.fields.has('ID')))) {
        drafts.push({ line: i + 1, fields: new Map(), events: [] });
      }
      const d = drafts[drafts.length - 1];
      if (d === undefined) return fail('a block must start with NODE');
      if (d.fields.has(key)) return fail(`${key} repeated in one block`);
      d.fields.set(key, value);
      inEvents = key === 'EVENTS';
      if (inEvents) d.events.push(value);
    } else if (inEvents && current !== undefined && /^\s/.test(line)) {
      const text = line.trim();
      if (text.startsWith('[')) current.events.push(text);
      else if (current.events.length > 0) current.events[current.events.length - 1] += `\n${text}`;
    } else {
      return fail('unknown line');
    }
  }
  const out: ServiceState[] = [];
  for (const d of drafts) {
    const fail = (why: string): ParseResult<ServiceState[]> =>
      parseFailure('bad-value', `service block at line ${d.line}: ${why}`, stdout, d.line);
    const state = d.fields.get('STATE') ?? '';
    const health = d.fields.get('HEALTH') ?? '';
    const id = d.fields.get('ID') ?? '';
    if (id === '') return fail('no ID');
    if (!isStateName(state)) return fail(`unknown STATE ${JSON.stringify(state)}`);
    if (!isHealth(health)) return fail(`unknown HEALTH ${JSON.stringify(health)}`);
    const events: ServiceEvent[] = [];
    for (const text of d.events) {
      if (text === '') continue;
      const e = EVENT.exec(text);
      if (e === null) return fail(`unreadable event ${JSON.stringify(text)}`);
      events.push({ state: e[1] ?? '', message: e[2] ?? '', ago: e[3] ?? '' });
    }
    out.push({
      node: d.fields.get('NODE') ?? '',
      id,
      state,
      health,
      lastHealthMessage: d.fields.get('LAST HEALTH MESSAGE'),
      events,
    });
  }
  return parsed(out);
});
