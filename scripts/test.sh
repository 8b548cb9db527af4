#!/usr/bin/env bash
# Install what the tests need (system browser, Python packages, axe-core from npm) and run every test.
# Extra arguments go to pytest (e.g. -k store).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_system.sh
scripts/setup_env.sh requirements-dev.txt
scripts/setup_node.sh
exec .venv/bin/python -m pytest "$@"
