import { type MessagePort, workerData } from 'node:worker_threads';
import { scanFrom } from './verify-bytes.js';

// Entry of dist/verify-worker.mjs: the second half of a large log for `log verify`
// (verify-bytes.ts starts it and decides what to take from it). The log is shared, not copied.

const data = workerData as {
  shared: SharedArrayBuffer;
  offset: number;
  length: number;
  from: number;
  port: MessagePort;
};
const scan = scanFrom(Buffer.from(data.shared, data.offset, data.length), data.from);
data.port.postMessage(scan, [scan.spans.buffer as ArrayBuffer]);
data.port.close();
