import { supervisorMain } from '../lab/supervisor-main.js';

// dist/lab-supervisor.mjs <lab dir>: started detached by `lab up`.
await supervisorMain(process.argv.slice(2));
