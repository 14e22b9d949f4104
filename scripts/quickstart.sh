#!/usr/bin/env bash
# The README's first command: set up a fresh machine, then run the main job — a NOSPACE drill
# on a local lab of real etcd members. Extra arguments go to `talos-dr drill`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec ./bin/talos-dr drill nospace-recovery "$@"
