import type { Rng } from './rng.js';

/**
 * Textual damage shared by both fuzzers: byte and character edits, line edits, truncation,
 * repetition, line-ending changes. Each takes the text and returns the damaged text.
 */

const HOSTILE_CHARS = [
  '\u0000',
  '\t',
  '\r',
  '\n',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  '"',
  "'",
  '\\',
  ':',
  '-',
  '#',
  '*',
  '&',
  '!',
  '%',
  '|',
  '>',
  '{',
  '}',
  '[',
  ']',
  ',',
  ' ',
  '0',
  '9',
  'a',
  'Z',
  '=',
  '$',
  '`',
  ';',
];

type TextMutation = (text: string, r: Rng, junk: readonly string[]) => string;

const at = (text: string, r: Rng): number => r.int(text.length + 1);

const MUTATIONS: Record<string, TextMutation> = {
  replaceChar: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + r.pick(HOSTILE_CHARS) + t.slice(i + 1);
  },
  insertChar: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + r.pick(HOSTILE_CHARS) + t.slice(i);
  },
  deleteRange: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + t.slice(i + 1 + r.int(16));
  },
  randomByte: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + String.fromCharCode(r.int(256)) + t.slice(i + 1);
  },
  truncate: (t, r) => t.slice(0, at(t, r)),
  insertJunk: (t, r, junk) => {
    const i = at(t, r);
    return t.slice(0, i) + r.pick(junk) + t.slice(i);
  },
  deleteLine: (t, r) => lines(t, r, (ls, i) => ls.splice(i, 1)),
  duplicateLine: (t, r) => lines(t, r, (ls, i) => ls.splice(i, 0, ls[i] ?? '')),
  swapLines: (t, r) =>
    lines(t, r, (ls, i) => {
      const j = r.int(ls.length);
      [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
    }),
  indent: (t, r) => lines(t, r, (ls, i) => ls.splice(i, 1, ' '.repeat(1 + r.int(4)) + (ls[i] ?? ''))),
  dedent: (t, r) => lines(t, r, (ls, i) => ls.splice(i, 1, (ls[i] ?? '').replace(/^ {1,4}/, ''))),
  repeatBlock: (t, r) =>
    lines(t, r, (ls, i) => {
      const block = ls.slice(i, i + 1 + r.int(8));
      ls.splice(i, 0, ...Array.from({ length: 1 + r.int(20) }, () => block).flat());
    }),
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  tabs: (t, r) => lines(t, r, (ls, i) => ls.splice(i, 1, (ls[i] ?? '').replace(/ {2,}/g, '\t'))),
  longLine: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + r.pick(HOSTILE_CHARS).repeat(1000 + r.int(50_000)) + t.slice(i);
  },
};

export const TEXT_MUTATION_NAMES = Object.keys(MUTATIONS);

function lines(text: string, r: Rng, edit: (ls: string[], i: number) => unknown): string {
  const ls = text.split('\n');
  edit(ls, r.int(ls.length));
  return ls.join('\n');
}

/** Applies 1..`max` random text mutations; returns the text and the names applied (for replay). */
export function mutateText(text: string, r: Rng, junk: readonly string[], max = 4): { text: string; ops: string[] } {
  let t = text;
  const ops: string[] = [];
  for (let k = 1 + r.int(max); k > 0; k--) {
    const name = r.pick(TEXT_MUTATION_NAMES);
    ops.push(name);
    t = (MUTATIONS[name] as TextMutation)(t, r, junk);
  }
  return { text: t, ops };
}
