/**
 * The shared read flags of triage and watch and their defaults: what registering the commands
 * (and so `--help`) needs, without the parsing in triage-flags.ts, which loads the talosctl
 * adapter and its process runner.
 */
export interface ReadFlags {
  param: string[];
  window?: string;
  readTimeout?: string;
  quota?: string;
  maxLag?: string;
  talosctl?: string;
  talosconfig?: string;
  context?: string;
  endpoints?: string;
}

export const DEFAULT_WINDOW = '3s';
/** 5 s, not 2: the lab's alarm list (a Node start and two etcdctl calls) took over 2 s at load 5-8 */
export const DEFAULT_READ_TIMEOUT = '5s';
