/**
 * Pure formatters that reproduce the Go helpers talosctl prints with: text/tabwriter (padding 3),
 * go-humanize's SI Bytes, fmt's %.Nf rounding and time.Duration's String(). Kept pure so the
 * shim's output can be unit-tested against known talosctl strings.
 */

/** Go's fmt %.Nf: like toFixed, but exact binary ties round half to even (toFixed rounds them up). */
export function goFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isFinite(scaled) && floor % 2 === 0) {
    // an exact tie: Go keeps the even neighbour
    return (floor / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

const SI_SIZES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** go-humanize Bytes(): SI units (base 1000), one decimal below 10, e.g. `21 MB`, `4.5 MB`, `0 B`. */
export function humanizeBytes(s: number): string {
  if (s < 10) return `${s} B`;
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const suffix = SI_SIZES[e] ?? 'EB';
  const val = Math.floor((s / 1000 ** e) * 10 + 0.5) / 10;
  return `${goFixed(val, val < 10 ? 1 : 0)} ${suffix}`;
}

/** talosctl's IN USE cell: `6.0 MB (29.08%)`. */
export function formatInUse(inUse: number, dbSize: number): string {
  const pct = dbSize === 0 ? Number.NaN : (inUse / dbSize) * 100;
  return `${humanizeBytes(inUse)} (${Number.isNaN(pct) ? 'NaN' : goFixed(pct, 2)}%)`;
}

/** Talos FormatMemberID: `%016x` of a uint64 given as decimal text or BigInt. */
export function formatMemberId(id: bigint | string): string {
  return BigInt(id).toString(16).padStart(16, '0');
}

/**
 * Go's tabwriter with minwidth 0, padding 3, pad char ' ', no flags: every tab-terminated cell is
 * padded to its column's widest cell + 3; the text after the last tab of a line is not aligned.
 * Columns are blocks of consecutive lines that have a cell in that column, as in Go.
 */
export function tabwrite(lines: readonly string[], padding = 3): string {
  const rows = lines.map((l) => l.split('\t'));
  const out: string[][] = rows.map((r) => [...r]);
  formatColumns(rows, out, 0, rows.length, 0, padding);
  return out.map((r) => `${r.join('')}\n`).join('');
}

function formatColumns(
  rows: string[][],
  out: string[][],
  from: number,
  to: number,
  col: number,
  padding: number,
): void {
  let i = from;
  while (i < to) {
    const row = rows[i];
    if (row === undefined || row.length - 1 <= col) {
      i++;
      continue;
    }
    // a block: consecutive lines with a terminated cell in this column
    let j = i;
    let width = 0;
    while (j < to) {
      const r = rows[j];
      if (r === undefined || r.length - 1 <= col) break;
      width = Math.max(width, [...(r[col] ?? '')].length + padding);
      j++;
    }
    for (let k = i; k < j; k++) {
      const cell = rows[k]?.[col] ?? '';
      const o = out[k];
      if (o) o[col] = cell + ' '.repeat(width - [...cell].length);
    }
    formatColumns(rows, out, i, j, col + 1, padding);
    i = j;
  }
}

/** Go's time.Duration String() rounded to seconds, as talosctl prints event ages: `17s`, `14m30s`, `1h2m3s`. */
export function goDurationSeconds(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total === 0) return '0s';
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The gRPC error text every talosctl failure carries. */
export function rpcError(code: string, desc: string): string {
  return `rpc error: code = ${code} desc = ${desc}`;
}
