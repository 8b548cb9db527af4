#!/usr/bin/env bash
# Install what the tests need (system browser, Python packages, axe-core from npm) and run every test.
# Without arguments: the tests outside tests/e2e on two processes (pytest-xdist: they are
# CPU-bound, each worker has its own temporary databases and PostgreSQL cluster), then the
# browser tests of tests/e2e one at a time (each starts servers and Chromium; two at once on two cores would
# only slow each other down). Both runs always run; the status is 1 if either failed.
# Extra arguments go to one pytest run as they are (e.g. -k store).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_system.sh
scripts/setup_env.sh requirements-dev.txt
scripts/setup_node.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
status=0
.venv/bin/python -m pytest --ignore=tests/e2e -n 2 || status=$?
.venv/bin/python -m pytest tests/e2e || status=$?
exit "$status"
