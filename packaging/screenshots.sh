#!/usr/bin/env bash
# Launch the real app under Xvfb with demo traffic and save a screenshot of each page.
#   packaging/screenshots.sh [OUT_DIR]        (default: build/screenshots)
# Needs: apt-get install -y xvfb xauth libxcb-icccm4 libxcb-keysyms1 imagemagick
# Captures with ImageMagick's `import` from the X server, so the PNGs show exactly what a user
# sees (fonts, palette, real data). Uses a throw-away data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-build/screenshots}"
mkdir -p "$OUT"
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
export QT_QPA_PLATFORM=xcb
export HEADROOM_SCREENSHOT_IMPORT="${HEADROOM_SCREENSHOT_IMPORT:-$(command -v import)}"
xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24 -dpi 96" \
    .venv/bin/python packaging/screenshots.py --data-dir "$DATA" --out "$OUT" "${@:2}"
# 256-colour PNGs: the UI has few colours, so text stays crisp and each file stays small.
# ImageMagick by full path: a stand-in named `convert` may come first on PATH.
for png in "$OUT"/*.png; do /usr/bin/convert "$png" -strip -dither None -colors 256 PNG8:"$png"; done
ls -1 "$OUT"
