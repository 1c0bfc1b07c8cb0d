#!/usr/bin/env bash
# Adds Streamer Studio to the current user's application menu on Linux: the desktop entry,
# the icons (16-512 px and SVG) and the AppStream metadata, under ${XDG_DATA_HOME:-~/.local/share}.
#   packaging/install-desktop-entry.sh [STUDIO]      # STUDIO: the studio command (default: on PATH)
#   packaging/install-desktop-entry.sh --uninstall [STUDIO]
# The work is done by `studio --install-desktop-entry`, so the entry points at that installation.
set -euo pipefail
action="--install-desktop-entry"
if [ "${1:-}" = "--uninstall" ]; then action="--uninstall-desktop-entry"; shift; fi
studio="${1:-$(command -v studio || true)}"
if [ -z "$studio" ]; then
  echo "install-desktop-entry: no 'studio' on PATH; pass its path (e.g. dist/studio/studio or .venv/bin/studio)" >&2
  exit 1
fi
exec "$studio" "$action"
