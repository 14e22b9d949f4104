import { runAsProgram } from '../cli/main.js';

// dist/talos-dr.mjs (bin/talos-dr): the CLI process.
await runAsProgram();
