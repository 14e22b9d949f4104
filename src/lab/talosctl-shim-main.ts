import { runShim } from './talosctl-shim.js';

/** The talosctl-lab process: talosctl's command line over the lab, answered from this process's env and cwd. */
export async function shimMain(args: readonly string[]): Promise<number> {
  return runShim(args, process.env, process.cwd(), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}
