#!/usr/bin/env bash
# The main job, one command on a fresh Debian/Ubuntu machine: installs what is missing (JDK 17, Maven,
# npm, Fashion-MNIST, Jupyter; root or sudo for that first install), builds the toolkit jar, registers
# the Java kernel, then runs the walkthrough notebooks (notebooks/*.ipynb) headless in workshop mode,
# writing the executed notebooks and their HTML to build/notebooks/ and printing time and peak
# memory per notebook.
#
#   bash scripts/demo.sh                       # all walkthrough notebooks, workshop mode
#   bash scripts/demo.sh notebooks/02-*.ipynb  # some of them
#   bash scripts/demo.sh --smoke               # tiny sizes, a minute or so per notebook (also --full)
#   bash scripts/demo.sh --serve               # Jupyter Notebook on notebooks/ instead, for interactive
#                                              # use, on http://127.0.0.1:${PORT:-8888}/ (Ctrl-C stops it)
#
# The mode comes from ALEXNET_MODE (smoke|workshop|full) unless a flag sets it; the notebooks' default
# is workshop on a CPU, full when DJL sees a GPU. Other flags go to scripts/run-notebooks.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
  -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
  --serve)
    shift
    bash "$ROOT/scripts/setup.sh"
    bash "$ROOT/scripts/notebook-setup.sh" --no-check
    export JUPYTER_PATH="$ROOT/build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
    echo "demo: starting Jupyter Notebook on notebooks/ at http://127.0.0.1:${PORT:-8888}/ (mode ${ALEXNET_MODE:-workshop on a CPU}); open the URL with the token printed below; Ctrl-C stops it"
    # Only this machine can connect (127.0.0.1, with a token), so running as root is acceptable.
    root_flag=()
    [ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)
    exec /usr/bin/jupyter notebook --no-browser --ip=127.0.0.1 --port="${PORT:-8888}" \
      --notebook-dir="$ROOT/notebooks" "${root_flag[@]}" "$@"
    ;;
esac

walkthrough=()
for arg in "$@"; do [[ "$arg" == *.ipynb ]] && walkthrough+=("$arg"); done
if ((${#walkthrough[@]} == 0)); then
  # The walkthrough: the top-level notebooks in order (the solutions run in the tests).
  set -- "$@" "$ROOT"/notebooks/*.ipynb
fi
exec bash "$ROOT/scripts/run-notebooks.sh" "$@"
