#!/usr/bin/env bash
# Build a one-folder desktop bundle into dist/headroom/ with PyInstaller.
#   packaging/build.sh            build
#   packaging/build.sh --check    only verify the spec's inputs exist (fast; used in CI)
# PyInstaller is a build-time tool, installed into .venv on demand (not a runtime dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
for path in resources/icons/headroom.svg resources/icons/headroom-256.png \
            resources/style/app.qss resources/headroom.desktop packaging/headroom_main.py; do
    [ -f "$path" ] || { echo "missing $path" >&2; exit 1; }
done
if [ "${1:-}" = "--check" ]; then
    "$PY" -c "import app.cli, app.launch" && echo "spec inputs OK"
    exit 0
fi
"$PY" -m pip show pyinstaller >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller==6.16.0"
"$PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
    packaging/headroom.spec
# Linux: install the desktop entry and icon for the current user.
if [ "$(uname)" = "Linux" ]; then
    echo "To add Headroom to your menu:"
    echo "  install -Dm644 resources/headroom.desktop ~/.local/share/applications/headroom.desktop"
    echo "  install -Dm644 resources/icons/headroom-256.png ~/.local/share/icons/hicolor/256x256/apps/headroom.png"
    echo "  and put $(pwd)/dist/headroom on your PATH"
fi
echo "built dist/headroom/headroom"
