// Runs src/audit/verify-worker.ts in a worker thread under test (tsx compiles it): the built
// dist/verify-worker.mjs is what `log verify` uses.
import { register } from 'tsx/esm/api';

register();
await import('../../src/audit/verify-worker.ts');
