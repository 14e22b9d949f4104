/** The faults `drill triage --fault` grades triage on (the CLI lists them without loading the lab). */
export const TRIAGE_FAULTS = [
  'healthy',
  'nospace',
  'nospace-full',
  'lose',
  'kill',
  'stuck-learner',
  'quorum-loss',
  'partition',
  'latency',
  'loss',
  'flap-leader',
] as const;
export type TriageFault = (typeof TRIAGE_FAULTS)[number];
