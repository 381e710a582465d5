#!/usr/bin/env bash
# Builds the bundle in a clean clone of this repository and checks that it runs with no network:
# --version, a headless quote from the bundled data, and the window for 4 seconds with a screenshot;
# then installs the tarball into a temporary HOME and uninstalls it. Exits non-zero on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/src"
bash "$work/src/installer/build.sh"

app="$work/src/dist/tickerdesk/tickerdesk"
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 TICKERDESK_HOME="$work/home"
export TICKERDESK_YAHOO_HTTP_URL="http://127.0.0.1:9" TICKERDESK_YAHOO_WS_URL="ws://127.0.0.1:9/"  # no network
"$app" --version
"$app" quote AMZN --source replay --at 2025-12-19 | grep -q "227.35"
"$app" run --source replay --exit-after 4 --screenshot "$work/shot.png"
test -s "$work/shot.png"
echo "bundle runs: screenshot $(stat -c %s "$work/shot.png") bytes"

tarball="$(ls "$work"/src/dist/tickerdesk-*-linux-*.tar.gz)"
mkdir -p "$work/unpacked" "$work/user"
tar -C "$work/unpacked" -xzf "$tarball"
(cd "$work"/unpacked/tickerdesk-*/ && HOME="$work/user" ./install.sh >/dev/null)
HOME="$work/user" "$work/user/.local/bin/tickerdesk" --version
(cd "$work"/unpacked/tickerdesk-*/ && HOME="$work/user" ./uninstall.sh >/dev/null)
leftover="$(find "$work/user" -mindepth 1 | head -5)"
if [[ -n "$leftover" ]]; then
  echo "uninstall left files behind: $leftover" >&2
  exit 1
fi
echo "dist-check passed: $(du -sh "$work/src/dist/tickerdesk" | cut -f1) bundle, $(du -sh "$tarball" | cut -f1) tarball"
