#!/bin/bash
# Lays out the ILSVRC-2012 archives as ROOT/train/<wnid>/, ROOT/val/<wnid>/ and ROOT/synsets.txt.
# The work is done by prepare.py; this wrapper finds a Python 3 that can read the devkit's
# meta.mat (scipy). Run with --help for the options; see datasets/README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Debian's python3 (with apt's python3-scipy) first: a python3 earlier on PATH (pyenv, venv)
# often lacks scipy. PYTHON=... overrides.
pick_python() {
    local candidate
    for candidate in "${PYTHON:-}" /usr/bin/python3 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import scipy.io' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

if ! py="$(pick_python)"; then
    echo "prepare: error: needs python3 with scipy (apt-get install python3-scipy), or PYTHON=/path/to/python3" >&2
    exit 1
fi
exec "$py" "$here/prepare.py" "$@"
