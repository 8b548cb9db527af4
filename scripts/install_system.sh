#!/usr/bin/env bash
# System packages, all from Debian (never a download of its own: no `playwright install`):
# - Chromium, its driver and fonts for the browser tests (they use /usr/bin/chromium);
# - PostgreSQL and HAProxy for the server setup (scripts/pg.sh, scripts/serve.sh) and the tests
#   that run on PostgreSQL. The project runs its own clusters (scripts/pg.sh); the cluster the
#   Debian package may create and start on port 5432 is not used;
# - LibreOffice Impress, the Carlito font (metric-compatible with Calibri, the decks' font) and
#   poppler-utils (pdftotext) for the test that renders the slide decks to PDF and measures them;
# - Node.js and npm, which install axe-core for the browser tests' accessibility checks.
# Only what is missing is installed, after one `apt-get update`; when nothing is missing it
# checks a few paths and does nothing else, so every start can run it.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-color-emoji)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)  # the TLS test's throwaway certificate
command -v soffice >/dev/null || missing+=(libreoffice-impress libreoffice-core)  # the deck rendering test
[ -f /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || missing+=(fonts-crosextra-carlito)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v node >/dev/null || missing+=(nodejs)  # npm installs axe-core for the browser tests (scripts/setup_node.sh)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
echo "install_system.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
