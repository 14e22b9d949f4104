import { writeFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { type Out, readLogFile } from './log-verify.js';
import { parseJournal } from './read.js';
import { formatReplay, replayVerdicts } from './replay/replay.js';
import { isReportFormat, REPORT_FORMATS, renderReport, reportFromText } from './report/index.js';
import { generateKeyFiles, openVerifyKey } from './sign.js';
import { verifyJournal } from './verify.js';

// `log verify` lives in log-verify.ts (a lighter module to load); re-exported for existing callers.
export { logVerify, type Out, readLogFile } from './log-verify.js';

/** `log show --format text|md|html|json [--out f] [--key pub]`: the auditor's report; works on damaged logs too. */
export function logShow(path: string, opts: { format: string; out?: string; key?: string }, out: Out): number {
  if (!isReportFormat(opts.format))
    throw makeError('TDR_BAD_FORMAT', { flag: '--format', value: opts.format, known: [...REPORT_FORMATS] });
  const key = opts.key === undefined ? undefined : openVerifyKey(opts.key);
  const text = renderReport(opts.format, reportFromText(readLogFile(path), key));
  if (opts.out === undefined) out.stdout.write(text);
  else {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      throw makeError('TDR_USAGE', {
        detail: `--out ${opts.out}: cannot write (${e instanceof Error ? e.message : String(e)})`,
      });
    }
    out.stderr.write(`report written to ${opts.out} (${Buffer.byteLength(text)} bytes)\n`);
  }
  return ExitCode.ok;
}

/** `log replay`: 0 every replayed verdict agrees, 1 some differ, 2 unreadable (no records). */
export function logReplay(path: string, out: Out): number {
  const text = readLogFile(path);
  const { records } = parseJournal(text);
  if (records.length === 0) throw makeError('TDR_LOG_UNREADABLE', { path, reason: 'no readable record' });
  const v = verifyJournal(text);
  if (!v.ok)
    out.stdout.write(`warning: the hash chain is broken at record ${v.firstBadSeq}: replaying what was read\n`);
  const rep = replayVerdicts(records);
  out.stdout.write(formatReplay(rep));
  return rep.differences.length === 0 ? ExitCode.ok : ExitCode.failed;
}

/** `log keygen --out <name>`: writes <name>.key (0600) and <name>.pub. */
export function logKeygen(base: string, out: Out): number {
  const k = generateKeyFiles(base);
  out.stdout.write(
    `private key: ${k.keyPath} (mode 0600; give it to runs with --sign-key, keep it off auditors' machines)\npublic key:  ${k.pubPath} (give it to auditors: talos-dr log verify <log> --key ${k.pubPath})\nfingerprint: ${k.fingerprint}\n`,
  );
  return ExitCode.ok;
}
