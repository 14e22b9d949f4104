#!/usr/bin/env bash
# Records the cluster states of test/triage/ from a real lab (etcd on 127.0.0.81-83): for each
# fault, a fresh lab, the fault, then `talos-dr triage --save fixtures/triage/<state>.json`.
# Usage: bash scripts/record-triage-fixtures.sh [state…]   (needs `npm run build`; takes ~2 min)
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/triage
dir=$(mktemp -d /tmp/talos-dr-triage-rec.XXXXXX)
export TALOS_DR_LAB_DIR=$dir/lab
nodes=127.0.0.81,127.0.0.82,127.0.0.83
tdr() { node dist/talos-dr.mjs "$@"; }
trap 'tdr lab down --dir "$TALOS_DR_LAB_DIR" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

record() { # <state> <what was done>
  tdr triage --param "nodes=$nodes" --talosctl bin/talosctl-lab --read-timeout 20s --save "$out/$1.json" >/dev/null || true
  node -e '
    const fs = require("node:fs");
    const [file, what] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    r.source = `recorded from the lab (talosctl-lab, Talos 1.14 formats, etcd 3.4.23 on 127.0.0.81+) ${what}`;
    fs.writeFileSync(file, JSON.stringify(r, null, 2) + "\n");
  ' "$out/$1.json" "$2"
  echo "recorded $1"
}

fresh() { # [members]
  tdr lab down --dir "$TALOS_DR_LAB_DIR" >/dev/null 2>&1 || true
  tdr lab up --first-address 127.0.0.81 --members "${1:-3}" --quota 33554432 --dir "$TALOS_DR_LAB_DIR" >/dev/null
}

states=("$@")
[ ${#states[@]} -eq 0 ] && states=(healthy nospace nospace-full lose kill stuck-learner quorum-loss lose-majority two-lost-of-five)
for s in "${states[@]}"; do
  if [ "$s" = two-lost-of-five ]; then fresh 5; else fresh; fi
  case $s in
    healthy) record healthy 'with no fault' ;;
    nospace | nospace-full)
      tdr lab inject "$s" --dir "$TALOS_DR_LAB_DIR" >/dev/null
      record "$s" "after \`lab inject $s\`" ;;
    lose | kill | stuck-learner)
      tdr lab inject "$s" --node 127.0.0.83 --dir "$TALOS_DR_LAB_DIR" >/dev/null
      record "$s" "after \`lab inject $s --node 127.0.0.83\`" ;;
    quorum-loss)
      tdr lab inject quorum-loss --dir "$TALOS_DR_LAB_DIR" >/dev/null
      record quorum-loss 'after `lab inject quorum-loss` (127.0.0.82 and .83 SIGKILLed, data kept)' ;;
    lose-majority)
      tdr lab inject lose --node 127.0.0.82 --dir "$TALOS_DR_LAB_DIR" >/dev/null
      tdr lab inject lose --node 127.0.0.83 --dir "$TALOS_DR_LAB_DIR" >/dev/null
      record lose-majority 'after `lab inject lose` of 127.0.0.82 and .83 (wiped: their etcd waits in Preparing)' ;;
    two-lost-of-five)
      nodes=127.0.0.81,127.0.0.82,127.0.0.83,127.0.0.84,127.0.0.85
      tdr lab inject kill --node 127.0.0.84 --dir "$TALOS_DR_LAB_DIR" >/dev/null
      tdr lab inject lose --node 127.0.0.85 --dir "$TALOS_DR_LAB_DIR" >/dev/null
      record two-lost-of-five 'of five members (127.0.0.81-85) after `lab inject kill --node 127.0.0.84` and `lab inject lose --node 127.0.0.85`'
      nodes=127.0.0.81,127.0.0.82,127.0.0.83 ;;
    *) echo "unknown state $s" >&2; exit 2 ;;
  esac
done
