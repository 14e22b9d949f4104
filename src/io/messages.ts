import { ExitCode } from './exit-codes.js';

/**
 * Every user-facing error message of the command line, by stable code. Runbook lint diagnostics
 * have their own registry (src/runbook/diagnostics.ts) because they carry file:line:col.
 * Add a code here rather than building error text at the throw site.
 */
interface MessageDef<P> {
  exit: ExitCode;
  source?: 'user' | 'internal';
  text: (p: P) => string;
  hint?: (p: P) => string;
}

function def<P>(d: MessageDef<P>): MessageDef<P> {
  return d;
}

export const MESSAGES = {
  TDR_USAGE: def<{ detail: string }>({
    exit: ExitCode.usage,
    text: (p) => p.detail,
    hint: () => 'run with --help to see the usage',
  }),
  TDR_FILE_NOT_FOUND: def<{ path: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: no such file`,
  }),
  TDR_RUNBOOK_NOT_FOUND: def<{ name: string; known: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `no runbook named "${p.name}" (not a file, not a built-in runbook)`,
    hint: (p) => (p.known.length > 0 ? `known runbooks: ${p.known.join(', ')}` : 'no runbooks found'),
  }),
  TDR_BAD_PARAM: def<{ flag: string; value: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.flag} ${JSON.stringify(p.value)}: ${p.reason}`,
  }),
  TDR_TALOSCTL_BAD_NODE: def<{ node: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `talosctl node ${JSON.stringify(p.node)} refused: ${p.reason}`,
    hint: () => 'a node is one IP address or host name, e.g. 10.0.0.2 or cp-1',
  }),
  TDR_TALOSCTL_BAD_ARGV: def<{ index: number; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `talosctl argument ${p.index} refused: ${p.reason}`,
  }),
  TDR_LOCKED: def<{ holder: string; lockPath: string }>({
    exit: ExitCode.locked,
    text: (p) => `another run holds the cluster lock: ${p.holder}`,
    hint: (p) =>
      `wait for it to finish, or if that process is gone from another host, check it and remove ${p.lockPath} by hand`,
  }),
  TDR_LOG_LOCKED: def<{ holder: string; lockPath: string }>({
    exit: ExitCode.locked,
    text: (p) => `another run or resume is writing this log: ${p.holder}`,
    hint: (p) =>
      `wait for it to finish, or if that process is gone from another host, check it and remove ${p.lockPath} by hand`,
  }),
  TDR_CLUSTER_AMBIGUOUS: def<{ detail: string }>({
    exit: ExitCode.precondition,
    text: (p) => `the nodes belong to different clusters: ${p.detail}`,
    hint: () => 'give the nodes of one cluster (--param nodes=…); nothing was changed',
  }),
  TDR_RESUME_OTHER_CLUSTER: def<{ path: string; reason: string }>({
    exit: ExitCode.precondition,
    text: (p) => `${p.path}: cannot resume: ${p.reason}`,
    hint: () =>
      'check --talosconfig/--context/--endpoints; if it is the same cluster (its id changed), resume with --retarget, which the resume record names',
  }),
  TDR_RESUME_TARGET_CHANGED: def<{ path: string; detail: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: cannot resume: ${p.detail}`,
    hint: () =>
      'resume reaches the cluster as the log records; to reach it otherwise, add --retarget (recorded in the resume record)',
  }),
  TDR_LOG_EXISTS: def<{ path: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: a log already exists there; a new run never appends to another run's log`,
    hint: () => 'choose another --log file, or continue that run with `talos-dr resume <log>`',
  }),
  TDR_LOG_UNREADABLE: def<{ path: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: cannot read the log (${p.reason})`,
  }),
  TDR_LOG_TAMPERED: def<{ path: string; line: number; reason: string }>({
    exit: ExitCode.failed,
    text: (p) => `${p.path}: record ${p.line} (line ${p.line}): ${p.reason}`,
    hint: () => 'the log was changed after it was written; it cannot be resumed or trusted',
  }),
  TDR_LOG_CUT: def<{ path: string; line: number; reason: string; witness: string }>({
    exit: ExitCode.failed,
    text: (p) => `${p.path}: cannot resume: record ${p.line}: ${p.reason}`,
    hint: (p) =>
      `the head file ${p.witness} was left by this run's last checkpoint on this machine: find the full log (a backup, the operator's copy) and resume that`,
  }),
  TDR_LOG_UNSIGNED_TAIL: def<{ path: string; names: string; lastSigned: number }>({
    exit: ExitCode.failed,
    text: (p) =>
      `${p.path}: cannot resume: ${p.names}: after the last signed checkpoint #${p.lastSigned}, covered by no signature`,
    hint: () =>
      'they may have been appended by someone (a resume would sign them into its own segment). If they are the remains of a run you saw crash, resume with --accept-unsigned-tail: the resume record names them',
  }),
  TDR_SIGN_KEY_MISSING: def<{ flag: string; path: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.flag} ${p.path}: no such key file`,
    hint: () => 'create a key pair with `talos-dr log keygen --out <name>` (writes <name>.key and <name>.pub)',
  }),
  TDR_SIGN_KEY_INVALID: def<{ flag: string; path: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.flag} ${p.path}: not a usable key (${p.reason})`,
    hint: () =>
      'signing takes the ed25519 private key (<name>.key, PKCS8 PEM); verifying takes the public key (<name>.pub, SPKI PEM)',
  }),
  TDR_SIGN_KEY_EXISTS: def<{ path: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: already exists; keygen never overwrites a key`,
    hint: () => 'choose another --out name, or move the old key away first',
  }),
  TDR_SIGN_KEY_MISMATCH: def<{ path: string; expected: string; actual: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: the log is signed with key ${p.expected}, but the key given is ${p.actual}`,
    hint: () => 'resume a signed run with the same --sign-key it started with',
  }),
  TDR_SIGN_KEY_REQUIRED: def<{ path: string; fingerprint: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: the log is signed (key ${p.fingerprint}); its run must continue signed`,
    hint: () => 'pass --sign-key <private key> with the key the run started with',
  }),
  TDR_BAD_FORMAT: def<{ flag: string; value: string; known: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `${p.flag} ${JSON.stringify(p.value)}: unknown format`,
    hint: (p) => `use one of ${p.known.join(', ')}`,
  }),
  // backup: maintenance
  TDR_BACKUP_KEEP: def<{ flag: string; value: string; part: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) =>
      p.part === p.value
        ? `${p.flag} ${JSON.stringify(p.value)}: ${p.reason}`
        : `${p.flag} ${JSON.stringify(p.value)}: ${JSON.stringify(p.part)}: ${p.reason}`,
    hint: () =>
      'write --keep last=N,hourly=N,daily=N,weekly=N,monthly=N,yearly=N (any of them, e.g. last=3,daily=7,weekly=4,monthly=6), or restic-style --keep-daily N',
  }),
  TDR_BACKUP_OUT_WRITE: def<{ path: string; reason: string }>({
    exit: ExitCode.failed,
    text: (p) => `--out ${p.path}: cannot write it (${p.reason})`,
    hint: () => 'the directory must exist and be writable (for node_exporter: its --collector.textfile.directory)',
  }),
  TDR_LAB_RUNNING: def<{ dir: string; pids: string }>({
    exit: ExitCode.precondition,
    text: (p) => `a lab is already running in ${p.dir} (pids ${p.pids})`,
    hint: () => 'stop it first with `talos-dr lab down`, or pick another --dir',
  }),
  TDR_LAB_NOT_RUNNING: def<{ dir: string }>({
    exit: ExitCode.precondition,
    text: (p) => `no lab in ${p.dir}`,
    hint: () => 'start one with `talos-dr lab up` (or set TALOS_DR_LAB_DIR / --dir)',
  }),
  TDR_LAB_FAILED: def<{ detail: string }>({
    exit: ExitCode.failed,
    text: (p) => `lab: ${p.detail}`,
  }),
  TDR_LAB_BAD_NODE: def<{ value: string; known: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `--node ${JSON.stringify(p.value)}: not a lab node`,
    hint: (p) => `use an address or an index: ${p.known.join(', ')}`,
  }),
  TDR_LAB_NET_UNAVAILABLE: def<{ fault: string; reason: string; fix: string }>({
    exit: ExitCode.precondition,
    text: (p) => `lab inject ${p.fault}: ${p.reason}`,
    hint: (p) => p.fix,
  }),
  TDR_DRY_RUN_REFUSED: def<{ argv: string; effect: string }>({
    exit: ExitCode.failed,
    text: (p) => `dry run: refused to run talosctl ${p.argv} (${p.effect}); a dry run only reads`,
  }),
  TDR_MISSING_PARAM: def<{ name: string; type: string }>({
    exit: ExitCode.usage,
    text: (p) => `missing --param ${p.name}=<${p.type}>`,
    hint: () => 'see the params with `talos-dr describe <runbook>`',
  }),
  TDR_APPROVE_UNKNOWN: def<{ step: string; known: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `--approve ${JSON.stringify(p.step)}: no confirm or irreversible step has this id`,
    hint: (p) => (p.known.length > 0 ? `gates of this runbook: ${p.known.join(', ')}` : 'this runbook has no gates'),
  }),
  TDR_RESUME_CHANGED: def<{ path: string; was: string; now: string }>({
    exit: ExitCode.usage,
    text: (p) =>
      `${p.path}: the runbook changed since the run started (sha256 ${p.was.slice(0, 12)}… → ${p.now.slice(0, 12)}…); refusing to resume`,
    hint: () => 'restore the runbook as it was, or start a new run',
  }),
  TDR_RESUME_REFUSED: def<{ path: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.path}: cannot resume: ${p.reason}`,
  }),
  TDR_REPLAY_MISSING: def<{ argv: string; node: string }>({
    exit: ExitCode.failed,
    text: (p) => `replay: the recorded log has no answer for talosctl -n ${p.node} ${p.argv}`,
  }),
  // backup: store
  TDR_BACKUP_TARGET_MISSING: def<{ flag: string }>({
    exit: ExitCode.usage,
    text: (p) => `missing ${p.flag} <dir|s3://bucket/prefix> (or set TALOS_DR_BACKUP_TARGET)`,
    hint: () => 'a directory (local or NFS), e.g. /backups/etcd, or an S3 bucket prefix, e.g. s3://backups/etcd',
  }),
  TDR_BACKUP_TARGET_BAD: def<{ flag: string; value: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `${p.flag} ${JSON.stringify(p.value)}: ${p.reason}`,
    hint: () => 'a directory (local or NFS), e.g. /backups/etcd, or an S3 bucket prefix, e.g. s3://backups/etcd',
  }),
  TDR_BACKUP_TARGET_IO: def<{ url: string; op: string; key: string; detail: string }>({
    exit: ExitCode.failed,
    text: (p) => `backup target ${p.url}: cannot ${p.op} ${p.key}: ${p.detail}`,
    hint: () =>
      'check the target: the directory exists and is writable, or the bucket, credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID …), AWS_REGION and AWS_ENDPOINT_URL_S3',
  }),
  TDR_BACKUP_OBJECT_MISSING: def<{ url: string; key: string }>({
    exit: ExitCode.failed,
    text: (p) => `object missing: ${p.key} is not at ${p.url}`,
  }),
  TDR_BACKUP_NOT_FOUND: def<{ id: string; url: string; known: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `no backup ${JSON.stringify(p.id)} in the catalog at ${p.url}`,
    hint: (p) =>
      p.known.length > 0
        ? `newest ids: ${p.known.slice(-5).join(', ')} (see \`talos-dr backup list\`)`
        : 'the catalog is empty: take one with `talos-dr backup run`',
  }),
  TDR_BACKUP_CLUSTER_AMBIGUOUS: def<{ url: string; clusters: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `the catalog at ${p.url} holds backups of ${p.clusters.length} clusters: ${p.clusters.join(', ')}`,
    hint: () => 'name one with --cluster <id>',
  }),
  TDR_BACKUP_BAD_RECIPIENT: def<{ value: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `--encrypt-to ${JSON.stringify(p.value)}: ${p.reason}`,
    hint: () => 'an age X25519 recipient (age1…), as printed by `age-keygen -y key.txt`',
  }),
  TDR_BACKUP_BAD_IDENTITY: def<{ path: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `--identity ${p.path}: ${p.reason}`,
    hint: () => 'an age identity file: lines AGE-SECRET-KEY-1…, as written by `age-keygen -o key.txt`',
  }),
  TDR_BACKUP_IDENTITY_NEEDED: def<{ id: string; recipients: string[] }>({
    exit: ExitCode.usage,
    text: (p) => `backup ${p.id} is encrypted (to ${p.recipients.join(', ')}): give --identity <file> to read it`,
  }),
  TDR_BACKUP_NO_CLUSTER_ID: def<{ detail: string }>({
    exit: ExitCode.precondition,
    text: (p) => `cannot tell which cluster this is: ${p.detail}`,
    hint: () =>
      'the catalog is keyed on the Talos cluster id (`talosctl get info`); name the cluster with --cluster <id> to back it up anyway; nothing was changed',
  }),
  TDR_BACKUP_SNAPSHOT_BAD: def<{ path: string; reason: string }>({
    exit: ExitCode.failed,
    text: (p) => `snapshot ${p.path} refused: ${p.reason}`,
  }),
  // backup: restore-drill
  TDR_RESTORE_DRILL_ADDRESS_BUSY: def<{ busy: string[]; first: string }>({
    exit: ExitCode.precondition,
    text: (p) => `the restore drill's lab addresses are in use: ${p.busy.join(', ')} (a lab already runs there?)`,
    hint: (p) =>
      `pick a free range with --first-address (now ${p.first}; a trainee's lab uses 127.0.0.11+); nothing was read or started`,
  }),
  // triage and watch
  TDR_TRIAGE_NO_NODES: def<Record<string, never>>({
    exit: ExitCode.usage,
    text: () => 'missing --param nodes=<address,address,…>: the control plane nodes to read',
    hint: () => 'e.g. --param nodes=10.0.0.2,10.0.0.3,10.0.0.4 (every control plane node)',
  }),
  TDR_TRIAGE_RECORDING_BAD: def<{ path: string; reason: string }>({
    exit: ExitCode.usage,
    text: (p) => `--replay ${p.path}: ${p.reason}`,
    hint: () => 'give a file written by `talos-dr triage --save <file>`',
  }),
  TDR_TRIAGE_SAVE_WRITE: def<{ path: string; reason: string }>({
    exit: ExitCode.failed,
    text: (p) => `--save ${p.path}: cannot write it (${p.reason})`,
    hint: () => 'the directory must exist and be writable',
  }),
  TDR_INTERNAL: def<{ detail: string }>({
    exit: ExitCode.failed,
    source: 'internal',
    text: (p) => `internal error: ${p.detail}`,
    hint: () => 'this is a bug in talos-dr; please report it with the command you ran',
  }),
} as const;

export type MessageCode = keyof typeof MESSAGES;
export type MessageParams<C extends MessageCode> = (typeof MESSAGES)[C] extends MessageDef<infer P> ? P : never;
