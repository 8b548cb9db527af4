#!/usr/bin/env bash
# Install what the app needs and start it on the embedded DuckDB file (sessions/kopkarta.duckdb,
# or $KOPKARTA_DB). Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
