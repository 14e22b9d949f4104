import type { ApprovalEntry, Entry, Report } from './model.js';
import { inert } from './text.js';
import { answerText, checkWord, commandLine, commandStatus, fold, headerRows, jsonInline, titleOf } from './words.js';

/**
 * The Markdown report (for a ticket or a post-incident review). Log text is escaped so it cannot
 * add links, images, HTML or headings; command output goes into fenced blocks whose fence is
 * longer than any backtick run inside.
 */

/** Inline text: emphasis, code, link, table and HTML metacharacters backslash-escaped, newlines as spaces. */
export function md(s: string): string {
  return inert(s)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|<>~&]/g, (c) => `\\${c}`);
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${inert(text)}\n${f}`;
}

function approvalMd(a: ApprovalEntry): string[] {
  const lines = [
    `- **Prompt, exactly as shown:**`,
    '',
    fence(a.prompt)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
    '',
    `- **Token to type:** ${md(JSON.stringify(a.token))}`,
    `- **Answer:** ${md(answerText(a))}`,
    `- **State fingerprint:** ${md(a.fingerprint)}`,
  ];
  if (a.voided) lines.push(`- **VOIDED** at record ${a.voided.seq}: ${md(a.voided.reason)}`);
  if (a.authorises)
    lines.push(
      `- **Authorised:** record ${a.authorises.seq}, ${md(commandLine(a.authorises.argv, a.authorises.node))} (${a.authorises.effect})`,
    );
  for (const c of a.evidence)
    lines.push(`- **Evidence:** record ${c.seq}, ${md(c.name)} ${md(checkWord(c))}: ${md(c.summary)}`);
  return lines;
}

function entryMd(e: Entry): string[] {
  const at = `${e.seq} · ${e.time}`;
  switch (e.kind) {
    case 'step':
      return [`### Step ${md(e.step)} (${md(e.stepKind)})${e.title ? `: ${md(e.title)}` : ''}`, '', `record ${at}`, ''];
    case 'step-end':
      return [`*record ${at}: step ${md(e.step)} ended: ${md(e.outcome)}*`, ''];
    case 'command': {
      const lines = [
        `**${e.effect === 'read' ? 'Read' : e.effect.toUpperCase()}** (record ${at}): ${md(commandLine(e.argv, e.node))}`,
        '',
        `- node ${md(e.node ?? '-')}; ${md(commandStatus(e))}${e.ref ? `; ref ${md(e.ref)}` : ''}`,
      ];
      for (const [name, text] of [
        ['stdout', e.stdout],
        ['stderr', e.stderr],
      ] as const) {
        const f = fold(text);
        if (f.lines.length > 0) lines.push(`- ${name}:`, '', fence(f.lines.join('\n')));
      }
      if (e.parseError) lines.push(`- output not understood: ${md(e.parseError)}`);
      return [...lines, ''];
    }
    case 'check':
      return [
        `**Check ${md(e.name)}: ${md(checkWord(e))}** (record ${at}): ${md(e.summary)}`,
        '',
        `- args: ${md(jsonInline(e.args))}`,
        `- observed: ${md(jsonInline(e.observed))}`,
        ...(e.evidence.length > 0 ? [`- from: ${md(e.evidence.join(', '))}`] : []),
        '',
      ];
    case 'approval':
      return [`**Approval gate ${md(e.step)}** (record ${at})`, '', ...approvalMd(e), ''];
    case 'deviation':
      return [`**Deviation (${md(e.deviation)})** (record ${at}): ${md(e.detail)}`, ''];
    case 'end':
      return [`**Run ended: ${md(e.outcome)} (exit ${e.exitCode})** (record ${at})`, ''];
    case 'note':
      return [`*record ${at}: ${md(e.text)}*`, ''];
  }
}

export function renderMarkdown(r: Report): string {
  const out: string[] = [`# ${md(titleOf(r))}`, ''];
  out.push('| | |', '|---|---|');
  for (const [k, v] of headerRows(r)) out.push(`| ${k} | ${md(v)} |`);
  out.push('', `## Deviations (${r.deviations.length})`, '');
  if (r.deviations.length === 0)
    out.push('None: the run followed the runbook without retries, skips, overrides or flag approvals.');
  for (const d of r.deviations)
    out.push(
      `- **${md(d.what)}** (record ${d.seq}, ${d.time}${d.step ? `, step ${md(d.step)}` : ''}): ${md(d.detail)}`,
    );
  out.push(
    '',
    `## Approvals (${r.approvals.length})`,
    '',
    '| record | step | answer | authorised |',
    '|---|---|---|---|',
  );
  for (const a of r.approvals)
    out.push(
      `| ${a.seq} | ${md(a.step)} | ${md(answerText(a))}${a.voided ? ' **VOIDED**' : ''} | ${a.authorises ? `${a.authorises.seq}: ${md(commandLine(a.authorises.argv, a.authorises.node))}` : ''} |`,
    );
  out.push('', `## Timeline (${r.timeline.length} entries)`, '');
  for (const e of r.timeline) out.push(...entryMd(e));
  return `${out.join('\n').trimEnd()}\n`;
}
