import type { ApprovalEntry, Entry, Report } from './model.js';
import { answerText, checkWord, commandLine, commandStatus, fold, headerRows, jsonInline, titleOf } from './words.js';

/**
 * The HTML report: one self-contained file (inline CSS, no script, no external resource), for the
 * screen and for print. Every piece of log text goes through esc(): logs carry attacker-influenced
 * text (command output, prompts, names). A strict Content-Security-Policy forbids scripts anyway.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bad:#b42318;--warn:#9a6700;--ok:#1a7f37;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 1rem}h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid var(--line)}
th{width:9rem;color:var(--muted);font-weight:600}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:var(--bg2);border:1px solid var(--line);padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
.entry{border-left:4px solid var(--line);padding:.3rem .7rem;margin:.5rem 0}.seq{color:var(--muted);font-size:.85rem}
.bad{color:var(--bad);font-weight:700}.warn{color:var(--warn);font-weight:700}.ok{color:var(--ok);font-weight:700}
.e-approval{border-color:#8250df;background:#fbf8ff}.e-deviation,.dev li{border-color:var(--warn)}.e-irreversible{border-color:var(--bad)}
.dev{list-style:none;padding:0}.dev li{border-left:4px solid var(--warn);padding:.3rem .7rem;margin:.4rem 0;background:#fff8e6}
.prompt{background:#fff;border:2px solid #8250df}dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem .8rem;margin:.3rem 0}dt{color:var(--muted)}dd{margin:0}
details summary{cursor:pointer;color:var(--muted)}.note{color:var(--muted)}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}.entry,.dev li{break-inside:avoid}
pre{white-space:pre-wrap;font-size:9pt}details{display:none}a{color:inherit;text-decoration:none}.print-only{display:block!important}}
.print-only{display:none}`;

function outputBlock(name: string, text: string): string {
  if (text === '') return '';
  const f = fold(text);
  const preview = `<pre>${esc(f.lines.join('\n'))}</pre>`;
  if (f.folded === 0) return `<div>${name}:</div>${preview}`;
  return `<div>${name} (${f.folded} lines folded):</div>${preview}<details><summary>full ${name} (${text.split('\n').length} lines)</summary><pre>${esc(text)}</pre></details><p class="print-only note">Full ${name}: talos-dr log show &lt;file&gt; --format text</p>`;
}

function approvalHtml(a: ApprovalEntry): string {
  const ans = a.answer;
  const cls = ans?.approved ? 'ok' : 'bad';
  const rows: [string, string][] = [
    ['Prompt, exactly as shown', `<pre class="prompt">${esc(a.prompt)}</pre>`],
    ['Token to type', `<code>${esc(a.token)}</code>`],
    ['Answer', `<span class="${cls}">${esc(answerText(a))}</span>`],
    ['State fingerprint', `<code>${esc(a.fingerprint)}</code>`],
  ];
  if (a.voided)
    rows.push(['Voided', `<span class="bad">VOIDED at record ${a.voided.seq}</span>: ${esc(a.voided.reason)}`]);
  if (a.authorises)
    rows.push([
      'Authorised',
      `record ${a.authorises.seq}: <code>${esc(commandLine(a.authorises.argv, a.authorises.node))}</code> on node <b>${esc(a.authorises.node ?? '-')}</b> (${esc(a.authorises.effect)})`,
    ]);
  if (a.evidence.length > 0)
    rows.push([
      'Evidence before it',
      a.evidence
        .map((c) => `record ${c.seq}: ${esc(c.name)} <b>${esc(checkWord(c))}</b>: ${esc(c.summary)}`)
        .join('<br>'),
    ]);
  return `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function entryHtml(e: Entry): string {
  const seq = `<span class="seq" id="r${e.seq}">#${e.seq} · ${esc(e.time)}</span>`;
  switch (e.kind) {
    case 'step':
      return `<h3>Step ${esc(e.step)} <span class="seq">(${esc(e.stepKind)})</span>${e.title ? `: ${esc(e.title)}` : ''}</h3>`;
    case 'step-end':
      return `<div class="note">${seq} step ${esc(e.step)} ended: ${esc(e.outcome)}</div>`;
    case 'command': {
      const st = e.status === 'ok' ? 'ok' : 'bad';
      return `<div class="entry e-${e.effect}">${seq} <b>${esc(e.effect === 'read' ? 'read' : e.effect.toUpperCase())}</b> <code>${esc(commandLine(e.argv, e.node))}</code><div>node <b>${esc(e.node ?? '-')}</b>; <span class="${st}">${esc(commandStatus(e))}</span>${e.ref ? `; ref ${esc(e.ref)}` : ''}</div>${outputBlock('stdout', e.stdout)}${outputBlock('stderr', e.stderr)}${e.parseError ? `<div class="bad">output not understood: ${esc(e.parseError)}</div>` : ''}</div>`;
    }
    case 'check': {
      // a choice's answer is neither good nor bad: no colour
      const cls =
        e.answer !== undefined ? 'answer' : e.verdict === 'pass' ? 'ok' : e.verdict === 'fail' ? 'bad' : 'warn';
      return `<div class="entry e-check">${seq} check <b>${esc(e.name)}</b>: <span class="${cls}">${esc(checkWord(e))}</span>, ${esc(e.summary)}<dl><dt>args</dt><dd><code>${esc(jsonInline(e.args))}</code></dd><dt>observed</dt><dd><code>${esc(jsonInline(e.observed))}</code></dd>${e.evidence.length > 0 ? `<dt>from</dt><dd>${esc(e.evidence.join(', '))}</dd>` : ''}</dl></div>`;
    }
    case 'approval':
      return `<div class="entry e-approval">${seq} <b>Approval gate ${esc(e.step)}</b>${approvalHtml(e)}</div>`;
    case 'deviation':
      return `<div class="entry e-deviation">${seq} <span class="warn">DEVIATION (${esc(e.deviation)})</span>: ${esc(e.detail)}</div>`;
    case 'end':
      return `<div class="entry">${seq} <b>Run ended: ${esc(e.outcome)} (exit ${e.exitCode})</b></div>`;
    case 'note':
      return `<div class="entry note">${seq} ${esc(e.text)}</div>`;
  }
}

export function renderHtml(r: Report): string {
  const rows = headerRows(r);
  const head = rows
    .map(([k, v, c]) => `<tr><th>${k}</th><td${c ? ` class="${c}"` : ''}>${esc(v)}</td></tr>`)
    .join('\n');
  const devs =
    r.deviations.length === 0
      ? '<p>None: the run followed the runbook without retries, skips, overrides or flag approvals.</p>'
      : `<ul class="dev">${r.deviations.map((d) => `<li><b class="warn">${esc(d.what)}</b> <span class="seq">#${d.seq} · ${esc(d.time)}${d.step ? ` · step ${esc(d.step)}` : ''}</span><br>${esc(d.detail)}</li>`).join('\n')}</ul>`;
  const apps = r.approvals
    .map(
      (a) =>
        `<tr><td>#${a.seq}</td><td>${esc(a.step)}</td><td>${esc(answerText(a))}${a.voided ? ' <span class="bad">VOIDED</span>' : ''}</td><td>${a.authorises ? `<code>${esc(commandLine(a.authorises.argv, a.authorises.node))}</code>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(titleOf(r))}</title><style>${CSS}</style></head>
<body>
<h1>${esc(titleOf(r))}</h1>
<section id="summary"><table>
${head}
</table></section>
<section id="deviations"><h2>Deviations (${r.deviations.length})</h2>
${devs}
</section>
<section id="approvals"><h2>Approvals (${r.approvals.length})</h2>
<table><tr><th>record</th><th>step</th><th>answer</th><th>authorised</th></tr>
${apps}
</table></section>
<section id="timeline"><h2>Timeline (${r.timeline.length} entries)</h2>
${r.timeline.map(entryHtml).join('\n')}
</section>
</body></html>
`;
}
