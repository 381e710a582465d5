#!/usr/bin/env bash
# Builds the one-folder app with PyInstaller and, on Linux, the tickerdesk-<version>-linux-x86_64.tar.gz.
# Uses its own virtual environment (build/venv) with the package installed for real (not editable).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
venv=build/venv
started=$(date +%s)

test -x "$venv/bin/python" || "$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet . "pyinstaller>=6.10,<7"
version="$("$venv/bin/python" -c 'import desktop; print(desktop.__version__)')"

"$venv/bin/python" installer/make_icons.py --platform-icons --out build/icons
# The NYSE calendar as a table: the bundle leaves exchange-calendars' pandas stack out.
"$venv/bin/python" -m desktop.core.market_calendar build/xnys-sessions.json
rm -rf dist/tickerdesk
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  installer/tickerdesk.spec

if [[ "$(uname -s)" == "Linux" ]]; then
  name="tickerdesk-$version-linux-$(uname -m)"
  stage="dist/$name"
  rm -rf "$stage" "dist/$name.tar.gz"
  mkdir -p "$stage/icons"
  cp -a dist/tickerdesk "$stage/tickerdesk"
  cp installer/linux/install.sh installer/linux/uninstall.sh installer/linux/tickerdesk.desktop "$stage/"
  cp resources/icons/tickerdesk-*.png resources/icons/tickerdesk.svg "$stage/icons/"
  cp installer/linux/README.txt "$stage/README.txt"
  tar -C dist -czf "dist/$name.tar.gz" "$name"
  echo "built dist/tickerdesk ($(du -sh dist/tickerdesk | cut -f1)) and dist/$name.tar.gz ($(du -sh "dist/$name.tar.gz" | cut -f1)) in $(( $(date +%s) - started ))s"
else
  echo "built dist/tickerdesk in $(( $(date +%s) - started ))s"
fi
