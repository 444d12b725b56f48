#!/usr/bin/env bash
# One-shot, idempotent set-up of the real-VS-Code test harness on Debian 12 with Node 20 (see
# /work/shared/docs/vscode-e2e.md for why each step exists):
#   1. the Debian packages: chromium (the browser playwright-core drives), ripgrep (fed to @vscode/ripgrep,
#      whose postinstall would otherwise download rg from GitHub), libkrb5-dev (gssapi.h for the `kerberos`
#      native module of VS Code), build-essential + python3 + pkg-config (node-gyp builds). Installed when
#      missing and we are root with apt-get; otherwise we stop with the exact apt-get line to run.
#   2. `npm ci` of this folder (code-server 4.100.3 + playwright-core), skipped when node_modules was
#      installed from the same lockfile by the same Node.
# Never silently skips: any missing piece is an error with the command that fixes it.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(chromium ripgrep libkrb5-dev build-essential python3 pkg-config)
# @vscode/ripgrep as pinned by code-server 4.100.3 (lib/vscode/npm-shrinkwrap.json) and the rg release its
# postinstall.js asks for. Re-check both if code-server is bumped.
RG_PKG_VERSION=1.15.11
RG_RELEASE=v13.0.0-10
RG_TARGET=x86_64-unknown-linux-musl

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# --- Node: code-server 4.100.3 ships VS Code's Node 20 ABI and its postinstall refuses any other major.
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
[ "$node_major" = 20 ] || fail "Node 20 is required (code-server 4.100.3 is built for it); found: $(node --version 2>/dev/null || echo 'no node')"

# --- Debian packages
command -v dpkg-query >/dev/null || fail "this harness expects Debian (dpkg-query not found); install: ${PACKAGES[*]}"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
apt_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    t=$(now)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update failed; run by hand: $apt_line"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install failed; run by hand: $apt_line"
    say "apt: $(elapsed "$t")"
  else
    fail "missing Debian packages: ${missing[*]}. Run as root:  $apt_line"
  fi
fi
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no chromium at ${CHROMIUM:-/usr/bin/chromium}; run as root:  apt-get install -y --no-install-recommends chromium"
command -v rg >/dev/null || fail "no rg on PATH; run as root:  apt-get install -y --no-install-recommends ripgrep"

# --- npm ci of the harness, cached by (lockfile, Node version)
stamp=node_modules/.hmm-trace-setup-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version) $(uname -m)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/code-server ]; then
  say "harness node_modules up to date (lockfile unchanged), skipping npm ci"
else
  # @vscode/ripgrep's postinstall first looks for its download in ${os.tmpdir()}/vscode-ripgrep-cache-<ver>/;
  # a tar.gz holding Debian's rg satisfies it, so nothing is fetched from GitHub.
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RG_PKG_VERSION"
  mkdir -p "$rg_cache"
  tar czf "$rg_cache/ripgrep-$RG_RELEASE-$RG_TARGET.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  say "npm ci (code-server 4.100.3 + playwright-core; builds VS Code's native modules, about a minute cold)"
  t=$(now)
  rm -f "$stamp"
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which a user npmrc with yes=false cancels.
  # --unsafe-perm: code-server's postinstall refuses to run as root without it.
  npm_config_yes=true npm ci --unsafe-perm --no-audit --no-fund --loglevel=error \
    || fail "npm ci of test/e2e failed (see above). Missing system headers? Run as root:  apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  echo "$want" > "$stamp"
  say "npm ci: $(elapsed "$t")"
fi

# Smoke: the server binary runs. XDG_*: otherwise code-server writes ~/.config/code-server/config.yaml.
sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
version="$(XDG_CONFIG_HOME="$sandbox/config" XDG_DATA_HOME="$sandbox/data" node_modules/.bin/code-server --version 2>/dev/null | grep -E '^[0-9]+\.' | head -1)" \
  || fail "node_modules/.bin/code-server does not run; delete test/e2e/node_modules and re-run this script"
say "ready: code-server $version, $("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -1)"
