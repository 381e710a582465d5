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
if ! "$app" run --source replay --exit-after 4 --screenshot "$work/shot.png" --dump-state "$work/state.json" \
  2>"$work/run.log"; then
  cat "$work/run.log" >&2
  exit 1
fi
test -s "$work/shot.png"
# The window must have built its charts (they are imported after the first paint, through pyqtgraph's own
# dynamic imports) and logged no uncaught exception: a screenshot alone passed with the charts missing.
if grep -q "uncaught exception" "$work/run.log"; then
  cat "$work/run.log" >&2
  echo "the bundled window logged an uncaught exception" >&2
  exit 1
fi
python3 - "$work/state.json" <<'CHECK'
import json, sys
chart = json.load(open(sys.argv[1])).get("chart") or {}
if not chart.get("points"):
    sys.exit(f"the bundled window drew no price chart: {chart}")
CHECK
echo "bundle runs: screenshot $(stat -c %s "$work/shot.png") bytes, price chart of $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chart"]["points"])' "$work/state.json") points"

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
