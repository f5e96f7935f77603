#!/usr/bin/env bash
# Makes sure Debian's headless Chromium and its chromedriver are installed before the browser
# tests (ConsoleBrowserIT) run: installs them with apt-get when they are missing and the build runs
# as root on a Debian-like system; otherwise says what to install and leaves the test to report it.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing chromium and chromium-driver for the console's browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
else
  echo "The console's browser tests need /usr/bin/chromium and /usr/bin/chromedriver:" \
    "apt-get install chromium chromium-driver (as root)" >&2
fi
