// The public face of the talosctl output parsers: pure functions, each returning a ParseResult.
export { parseAlarms } from './alarms.js';
export {
  classifyError,
  classifyOne,
  type NodeError,
  type TalosctlErrorInfo,
  type TalosctlErrorKind,
} from './errors.js';
export { type LogLine, parseLogs } from './logs.js';
export { parseMembers } from './members.js';
export { parseNoOutput } from './no-output.js';
export { parseRecovery } from './recovery.js';
export type { ParseResult, TalosParseError, TalosParseErrorCode } from './result.js';
export { parseService } from './service.js';
export { isSize, parseSize } from './size.js';
export { parseSnapshot } from './snapshot.js';
export { parseStatus } from './status.js';
export { parseTime } from './time.js';
export { type ClientVersion, type MultiNodeSemantics, parseClientVersion } from './version.js';
export { parseVolumeStatus } from './volume-status.js';
