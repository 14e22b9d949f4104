// The lab part of `npm run bench` (figures 4 and 7), run as its own process so that scripts/bench.ts
// can hold the machine's lab lock (flock) only while it runs. Writes its figures as JSON to argv[2].
import { writeFileSync } from 'node:fs';
import { benchLab } from '../bench/lab.js';

const out = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (out === undefined) throw new Error('usage: tsx scripts/bench-lab.ts <out.json> [rounds]');
writeFileSync(out, JSON.stringify(await benchLab(rounds)));
