#!/usr/bin/env bash
# Refreshes notebooks/rendered/: executes the notebooks in workshop mode (scripts/run-notebooks.sh, which
# sets up what is missing; all of them take ~25 min on 2 busy cores) and writes each one as Markdown with
# PNG pictures (scripts/render_notebooks.py), so that readers see the workshop outputs without running
# anything. Commit notebooks/rendered/ afterwards.
#
#   bash scripts/render-notebooks.sh                                   # every notebook, solutions too
#   bash scripts/render-notebooks.sh notebooks/02-alexnet-layer-by-layer.ipynb
#   RENDER_ONLY=1 bash scripts/render-notebooks.sh                     # render build/notebooks/ as it is
#
# Needs Chromium for the figures (scripts/notebook-setup.sh --browser installs it). Ends with
# "N passed, N failed, N skipped"; exit status 1 when a notebook failed to run or to render.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3   # Debian's, with Jupyter (a pyenv python3 may come first on PATH)
case "${1:-}" in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac

status=0
names=()
for nb in "$@"; do
  [ -f "$nb" ] || { echo "render-notebooks: no notebook $nb" >&2; exit 2; }
  rel="$(realpath --relative-to="$ROOT/notebooks" "$nb")"
  names+=("${rel%.ipynb}")
done
if [ -z "${RENDER_ONLY:-}" ]; then
  bash "$ROOT/scripts/run-notebooks.sh" --workshop --browser "$@" || status=1
fi
"$PY" "$ROOT/scripts/render_notebooks.py" --executed "$ROOT/build/notebooks" --to "$ROOT/notebooks/rendered" "${names[@]}" || status=1
du -sh "$ROOT/notebooks/rendered" | sed 's/^/render-notebooks: notebooks\/rendered\/ is /'
exit "$status"
