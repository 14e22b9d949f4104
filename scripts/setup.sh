#!/usr/bin/env bash
# Installs what talos-dr needs on a fresh Debian machine: etcd (server + client, for the lab),
# nftables (the lab's network faults), tmux (terminal tests), chromium (the HTML report test), zsh, fish
# and man (completion and man page tests), and the npm packages (which also builds dist/ through `prepare`).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need_apt+=(etcd-client)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# age: backups are checked against the real age CLI (encrypt here, decrypt there, and back)
command -v age >/dev/null 2>&1 || need_apt+=(age)
# nftables: the lab's network faults (lab inject partition|latency|loss|…) are nft rules
command -v nft >/dev/null 2>&1 || need_apt+=(nftables)
# headless Chromium opens the HTML audit report in the e2e tests (playwright-core drives it; no browser download)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# the completion scripts are tested in their real shells, the man page with man (man-db + groff)
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)
command -v fish >/dev/null 2>&1 || need_apt+=(fish)
command -v man >/dev/null 2>&1 || need_apt+=(man-db)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need ${need_apt[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Debian's package may start its own etcd (as user etcd) where an init system runs: stop only that one.
if pids=$(pgrep -u etcd -x etcd 2>/dev/null); then
  echo "setup: stopping the packaged etcd service ($pids)"
  kill $pids || true
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
