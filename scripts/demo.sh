#!/usr/bin/env bash
# Set up and open JupyterLab on notebooks/quickstart.ipynb with the built-in simulator (no key).
# Usage: scripts/demo.sh [options for `sora-widgets demo`, e.g. --port 8890 --no-browser]
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$REPO_ROOT"
ensure_venv demo
exec "$VENV/bin/sora-widgets" demo "$@"
