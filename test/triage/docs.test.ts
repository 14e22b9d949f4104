import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECISION_TABLE } from '../../src/triage/decision-table.js';
import { metricsTable, verdictTable } from '../../src/triage/doc-table.js';
import { FAMILIES } from '../../src/triage/prometheus.js';

const doc = readFileSync('docs/triage.md', 'utf8');

describe('docs/triage.md', () => {
  it('holds the generated verdict and metrics tables (run `npm run gen:docs` when stale)', () => {
    expect(doc).toContain(verdictTable());
    expect(doc).toContain(metricsTable());
    for (const r of DECISION_TABLE) expect(doc).toContain(`| \`${r.id}\` |`);
    for (const f of FAMILIES) expect(doc).toContain(`| \`${f.name}\` |`);
  });

  it('every metric an alert rule uses exists', () => {
    const rules = /### Alert rules[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const used = [...rules.matchAll(/talos_dr_etcd_[a-z_]+/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(FAMILIES.map((f) => f.name)).toContain(name);
  });

  it('is linked from the README (commands and documentation)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('talos-dr triage --param nodes=');
    expect(readme).toContain('talos-dr watch --param nodes=');
    expect(readme).toContain('[docs/triage.md](docs/triage.md)');
  });
});
