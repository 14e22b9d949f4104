import type { ApprovalEntry, Entry, Report } from './model.js';
import { answerText, checkWord, commandLine, commandStatus, fold, headerRows, jsonInline, titleOf } from './words.js';

/**
 * The plain-text report (`log show`, the default): header, deviations first, approvals, then the
 * timeline. Control characters from the log (terminal escapes in command output) are shown as
 * visible escapes, never sent to the reader's terminal.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Makes attacker-influenced text inert on a terminal: C0/C1 controls other than newline become \xNN. */
export function inert(s: string): string {
  return s.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const rule = (title: string) => `${title}\n${'-'.repeat(title.length)}\n`;
const indent = (text: string, pad: string) =>
  inert(text)
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');

function approvalLines(a: ApprovalEntry, pad: string): string[] {
  const lines = [
    `${pad}prompt, exactly as shown:`,
    indent(a.prompt, `${pad}  | `),
    `${pad}token to type: ${inert(JSON.stringify(a.token))}`,
    `${pad}answer: ${inert(answerText(a))}`,
    `${pad}state fingerprint: ${a.fingerprint}`,
  ];
  if (a.voided) lines.push(`${pad}VOIDED at record ${a.voided.seq}: ${inert(a.voided.reason)}`);
  if (a.authorises)
    lines.push(
      `${pad}authorised: #${a.authorises.seq} ${inert(commandLine(a.authorises.argv, a.authorises.node))} [${a.authorises.effect}]`,
    );
  if (a.evidence.length > 0) {
    lines.push(`${pad}evidence seen before it:`);
    for (const c of a.evidence) lines.push(`${pad}  #${c.seq} ${c.name} ${inert(checkWord(c))}: ${inert(c.summary)}`);
  }
  return lines;
}

function entryLines(e: Entry): string[] {
  const head = `#${String(e.seq).padEnd(4)} ${e.time}`;
  switch (e.kind) {
    case 'step':
      return ['', `${head}  STEP ${inert(e.step)} (${e.stepKind})${e.title ? `: ${inert(e.title)}` : ''}`];
    case 'step-end':
      return [`${head}  step ${inert(e.step)} ended: ${inert(e.outcome)}`];
    case 'command': {
      const lines = [
        `${head}  ${e.effect === 'read' ? 'read' : e.effect.toUpperCase()} ${inert(commandLine(e.argv, e.node))}`,
      ];
      lines.push(`        node ${e.node ?? '-'}; ${commandStatus(e)}${e.ref ? `; ref ${e.ref}` : ''}`);
      for (const [name, text] of [
        ['stdout', e.stdout],
        ['stderr', e.stderr],
      ] as const) {
        const f = fold(text);
        if (f.lines.length > 0) lines.push(`        ${name}:`, indent(f.lines.join('\n'), '          | '));
      }
      if (e.parseError) lines.push(`        output not understood: ${inert(e.parseError)}`);
      return lines;
    }
    case 'check':
      return [
        `${head}  CHECK ${e.name}: ${checkWord(e)}, ${inert(e.summary)}`,
        `        args: ${inert(jsonInline(e.args))}`,
        `        observed: ${inert(jsonInline(e.observed))}`,
        ...(e.evidence.length > 0 ? [`        from: ${e.evidence.join(', ')}`] : []),
      ];
    case 'approval':
      return [`${head}  APPROVAL GATE ${inert(e.step)}`, ...approvalLines(e, '        ')];
    case 'deviation':
      return [`${head}  DEVIATION (${e.deviation}): ${inert(e.detail)}`];
    case 'end':
      return [`${head}  RUN ENDED: ${inert(e.outcome)} (exit ${e.exitCode})`];
    case 'note':
      return [`${head}  ${inert(e.text)}`];
  }
}

export function renderText(r: Report): string {
  const out: string[] = [];
  const title = inert(titleOf(r));
  out.push(`${title}\n${'='.repeat(title.length)}\n`);
  for (const [k, v] of headerRows(r)) out.push(`${k.padEnd(12)}${inert(v)}`);
  out.push('', rule(`Deviations (${r.deviations.length})`).trimEnd());
  if (r.deviations.length === 0)
    out.push('none: the run followed the runbook without retries, skips, overrides or flag approvals');
  for (const d of r.deviations)
    out.push(
      `#${String(d.seq).padEnd(4)} ${d.time}  ${d.what.toUpperCase()}${d.step ? ` at ${inert(d.step)}` : ''}: ${inert(d.detail)}`,
    );
  out.push('', rule(`Approvals (${r.approvals.length})`).trimEnd());
  for (const a of r.approvals) {
    const what = a.authorises ? ` -> #${a.authorises.seq} ${commandLine(a.authorises.argv, a.authorises.node)}` : '';
    out.push(
      `#${String(a.seq).padEnd(4)} ${inert(a.step)}: ${inert(answerText(a))}${a.voided ? ' [VOIDED]' : ''}${inert(what)}`,
    );
  }
  out.push('', rule(`Timeline (${r.timeline.length} entries)`).trimEnd());
  for (const e of r.timeline) out.push(...entryLines(e));
  return `${out.join('\n')}\n`;
}
