#!/usr/bin/env bash
# What the browser tests take from npm (tests/package.json, pinned by tests/package-lock.json):
# axe-core, which Playwright injects into every page to check its accessibility (tests/e2e/axe.py).
# `npm ci` runs only when tests/node_modules is missing or the lock changed since it last ran
# (the lock's checksum is kept beside the modules), so every test run can call this.
# Node and npm are Debian's (scripts/install_system.sh).
set -euo pipefail
cd "$(dirname "$0")/../tests"
stamp="node_modules/.kopkarta-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/axe-core/axe.min.js ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup_node.sh: npm ci (tests/package-lock.json)" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" > "$stamp"
