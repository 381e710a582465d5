#!/usr/bin/env bash
# macOS: build dist/Tickerdesk.app with the PyInstaller spec, then wrap it in a compressed disk image.
# Needs a Mac (PyInstaller and hdiutil); the user's data (~/Library/Application Support/Tickerdesk) is
# kept when the app is dragged to the Trash.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash installer/build.sh
version="$(build/venv/bin/python -c 'import desktop; print(desktop.__version__)')"
hdiutil create -volname Tickerdesk -srcfolder dist/Tickerdesk.app -ov -format UDZO "dist/tickerdesk-$version-macos.dmg"
