#!/usr/bin/env bash
# System packages the browser tests need: Debian's Chromium and its driver.
# Never downloads a browser of its own (no `playwright install`): it uses /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/truetype/noto ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core fonts-noto-color-emoji
