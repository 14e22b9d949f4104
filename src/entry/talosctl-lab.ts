import { shimMain } from '../lab/talosctl-shim-main.js';

// dist/talosctl-lab.mjs (bin/talosctl-lab): talosctl's command line over the lab.
process.exitCode = await shimMain(process.argv.slice(2));
