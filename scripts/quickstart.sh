#!/usr/bin/env bash
# The README's first command: set up a fresh machine, then run the main job — a NOSPACE drill
# on a local lab of real etcd members. In a terminal you answer the gates yourself (type the
# token); without one (CI, a pipe) every gate is approved by flag (--approve-all, recorded as
# such in the log). Extra arguments go to `talos-dr drill`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
approve=()
if [ ! -t 0 ]; then approve=(--approve-all); fi
exec ./bin/talos-dr drill nospace-recovery "${approve[@]}" "$@"
