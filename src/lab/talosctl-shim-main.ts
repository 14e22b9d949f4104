import { runShim } from './talosctl-shim.js';

/** Entry of bin/talosctl-lab (dist/talosctl-lab.mjs). */
const code = await runShim(process.argv.slice(2), process.env, process.cwd(), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
process.exitCode = code;
