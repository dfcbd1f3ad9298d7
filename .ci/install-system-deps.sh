#!/usr/bin/env bash
# System packages the test suites need: Debian's Chromium (PDF printing and browser tests through
# playwright-core; no browser is ever downloaded by playwright) and poppler-utils (pdftotext and
# pdfinfo, to read the PDFs back in tests), PostgreSQL's server (the PostgreSQL suites start a
# throwaway cluster of their own: initdb, pg_ctl). Idempotent: installs only what is missing.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Without a font, Chromium prints blank text; the recommended fonts are skipped below, so ask.
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: chromium, fonts, poppler-utils and postgresql already installed"
  exit 0
fi

# apt-get needs root; CI images without root but with sudo still work.
sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
${sudo:+$sudo -E} apt-get install -y -q --no-install-recommends "${missing[@]}"
