#!/usr/bin/env bash
# The whole test suite, in the four runtimes Signet supports: Node and Chromium (vitest projects),
# Deno (through tools/deno-vitest-shim.ts) and Bun (bun test maps vitest to bun:test), then the
# built packages' smoke test in Node, Deno and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --browser
export PATH="$PWD/node_modules/.bin:$PATH"

status=0
run() {
  local name=$1; shift
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  if ! "$@" </dev/null; then
    printf '\033[31m%s failed\033[0m\n' "$name"
    status=1
  fi
}

run "node + chromium (vitest)" vitest run
run "deno" deno test --allow-all --quiet packages/
run "bun" bun test ./packages
run "smoke: node" node tools/smoke.mjs
run "smoke: deno" deno run --allow-all tools/smoke.mjs
run "smoke: bun" bun tools/smoke.mjs
exit $status
