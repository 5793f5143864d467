#!/usr/bin/env bash
# Executes notebooks headless on the "java" kernel, checks them, and writes the executed copies, their
# HTML and results.json to build/notebooks/ (solutions to build/notebooks/solutions/). Sets up what is
# missing first (scripts/setup.sh: JDK, Maven, data, toolkit jar; scripts/notebook-setup.sh: Jupyter,
# kernel). One line per notebook: status, time, peak memory of the kernel, expected outputs found.
#
#   bash scripts/run-notebooks.sh                          # every .ipynb under notebooks/, solutions too
#   bash scripts/run-notebooks.sh notebooks/00-smoke.ipynb
#   bash scripts/run-notebooks.sh --smoke --browser        # what scripts/test.sh runs
#
# Options: --smoke | --workshop | --full set ALEXNET_MODE (default: as set in the environment, else the
# notebooks' own default, workshop on a CPU); --browser also renders each executed notebook in headless
# Chromium with the network off and checks that its figures drew and its images decoded (screenshots
# NAME.png next to the HTML); --max-rss-mb N fails a notebook whose kernel peaks above N MB.
# Ends with "N passed, N failed, N skipped" over the notebooks (and browser checks); exit status 1 when
# one failed. Environment: CELL_TIMEOUT (seconds per cell, default 1800); STARTUP_TIMEOUT (seconds for
# the kernel to answer, default 10: rapaio 3.0.1 sometimes never answers and is then started again).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/build/notebooks"
PY=/usr/bin/python3   # Debian's, with Jupyter (a pyenv python3 may come first on PATH)
BROWSER=0
args=()
notebooks=()
while (($#)); do
  case "$1" in
    --smoke|--workshop|--full) export ALEXNET_MODE="${1#--}" ;;
    --browser) BROWSER=1 ;;
    --max-rss-mb) args+=(--max-rss-mb "$2"); shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "run-notebooks.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) notebooks+=("$1") ;;
  esac
  shift
done

bash "$ROOT/scripts/setup.sh" || exit 2
setup_flags=(--no-check)
((BROWSER)) && setup_flags+=(--browser)
bash "$ROOT/scripts/notebook-setup.sh" "${setup_flags[@]}" || exit 2
export JUPYTER_PATH="$ROOT/build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

if ((${#notebooks[@]} == 0)); then
  mapfile -t notebooks < <(find "$ROOT/notebooks" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
  ((${#notebooks[@]})) || { echo "run-notebooks: no notebooks under notebooks/" >&2; exit 2; }
fi

echo "run-notebooks: ${#notebooks[@]} notebook(s), mode ${ALEXNET_MODE:-default (workshop on a CPU)}; outputs in build/notebooks/"
"$PY" "$ROOT/scripts/check_notebooks.py" --root "$ROOT/notebooks" --out "$OUT" \
  --cell-timeout "${CELL_TIMEOUT:-1800}" --startup-timeout "${STARTUP_TIMEOUT:-10}" "${args[@]}" "${notebooks[@]}" \
  | tee "$OUT.log"
status=${PIPESTATUS[0]}
summaries=("$(tail -n 1 "$OUT.log")")
if ((BROWSER)); then
  echo "run-notebooks: the executed notebooks in headless Chromium, network off"
  (cd "$ROOT" && "$PY" scripts/check_browser.py --out "$OUT") | tee "$OUT.browser.log"
  ((PIPESTATUS[0])) && status=1
  summaries+=("$(tail -n 1 "$OUT.browser.log")")
fi
# With the browser check, a closing line sums the parts' own ("N passed, N failed, N skipped").
((BROWSER)) && printf '%s\n' "${summaries[@]}" | awk '
  /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { p += $1; f += $3; s += $5; next }
  { f += 1 }   # a part that crashed before its closing line
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit "$status"
