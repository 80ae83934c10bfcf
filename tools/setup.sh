#!/usr/bin/env bash
# Brings a fresh machine with only Node (>= 20.19) and npm to a built workspace: pnpm, the
# workspace's dependencies (Deno and Bun come as npm packages), and, with --browser (the test
# suite), Debian's chromium and redis-server. Safe to run again: every step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

say() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Signet needs Node.js 20.19 or newer (found $(node --version)). Install a current Node.js and run again." >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION with npm"
  if ! npm i -g "pnpm@$PNPM_VERSION" </dev/null >/dev/null 2>&1; then
    echo "Could not install pnpm globally (npm i -g pnpm@$PNPM_VERSION failed; not root?)." >&2
    echo "Run: npm i -g pnpm@$PNPM_VERSION   (or with sudo), then run this command again." >&2
    exit 1
  fi
fi

if [ "$want_browser" = 1 ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
  else
    echo "The browser tests need Chromium at /usr/bin/chromium (or set CHROMIUM_PATH)." >&2
    echo "On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 1
  fi
fi

# The Redis replay store is tested against a real redis-server (Debian's package).
if [ "$want_browser" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's redis-server for the replay-store tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server </dev/null >/dev/null
  else
    echo "The replay-store tests need redis-server. On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends redis-server" >&2
    exit 1
  fi
fi

say "installing the workspace (pnpm install --frozen-lockfile)"
pnpm install --frozen-lockfile --reporter=silent </dev/null
say "building the packages"
pnpm -r --filter './packages/*' run build </dev/null >/dev/null
