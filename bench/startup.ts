// Figure 2: CLI start-up, `talos-dr --version` (and `--help`) against `node -e 0`, interleaved.
import { type Figure, figure, interleave, log, median, mustRun, TALOS_DR } from './lib.js';

export async function benchStartup(rounds: number): Promise<Figure[]> {
  log(`start-up: ${rounds} interleaved rounds`);
  const t = await interleave(
    {
      node: async () => (await mustRun([process.execPath, '-e', '0'])).ms,
      version: async () => (await mustRun([process.execPath, TALOS_DR, '--version'])).ms,
      help: async () => (await mustRun([process.execPath, TALOS_DR, '--help'])).ms,
    },
    rounds,
    2,
  );
  const base = median(t.node);
  const detail = (k: 'version' | 'help'): string =>
    `${median(t[k]).toFixed(0)} ms vs node -e 0 ${base.toFixed(0)} ms (medians of ${rounds})`;
  return [
    figure('start-up: talos-dr --version', median(t.version) / base, '× node -e 0', '<= 1.5', detail('version')),
    figure('start-up: talos-dr --help', median(t.help) / base, '× node -e 0', '<= 1.5', detail('help')),
  ];
}
