#!/bin/sh
# Installs what the browser tests (tests/test_web_quiz.py) need: Debian's chromium package.
# Only as root and only where it is missing; otherwise says why it skips and succeeds, and the
# browser tests then skip with their own message.
set -eu
if [ -x /usr/bin/chromium ]; then
  echo "install-browser: /usr/bin/chromium is already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-browser: skipped: /usr/bin/chromium is missing and installing it needs root (apt-get install chromium); the browser tests will skip"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: skipped: no apt-get on this system; install Chromium as /usr/bin/chromium to run the browser tests"
  exit 0
fi
echo "install-browser: installing Debian's chromium package"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
