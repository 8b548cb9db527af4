#!/usr/bin/env bash
# Install what the app needs and start it on the embedded DuckDB file (sessions/kopkarta.duckdb,
# or $KOPKARTA_DB). Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_env.sh requirements.txt
# Wrong keys are counted per client address: believe X-Forwarded-For only from the proxy named
# in KOPKARTA_TRUSTED_PROXY (none by default; uvicorn reads FORWARDED_ALLOW_IPS; web/client.py)
FORWARDED_ALLOW_IPS=${KOPKARTA_TRUSTED_PROXY:-} exec .venv/bin/python -m streamlit run app.py "$@"
