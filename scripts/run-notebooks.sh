#!/usr/bin/env bash
# Executes notebooks headless on the "java" kernel (scripts/notebook-setup.sh registers it) and writes
# the executed copies and their HTML to build/notebooks/. Exits non-zero when a cell fails.
#
#   bash scripts/run-notebooks.sh                       # every notebooks/*.ipynb
#   bash scripts/run-notebooks.sh notebooks/00-smoke.ipynb
#
# The notebooks load toolkit/target/alexnet-toolkit-*-all.jar with their first cell (%jars ...); build it
# first with `mvn -B -q -DskipTests package`. rapaio-jupyter-kernel 3.0.1 sometimes never answers at
# start-up (REFERENCE.md): such a notebook is started again, up to 3 times.
# Per notebook it prints the wall time and the peak memory (resident set) of the kernel and of the
# whole nbconvert process tree, sampled every 0.5 s.
# Environment: CELL_TIMEOUT (seconds per cell, default 1800), STARTUP_TIMEOUT (default 20).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JUPYTER=/usr/bin/jupyter
OUT="$ROOT/build/notebooks"
ATTEMPTS=5
CELL_TIMEOUT="${CELL_TIMEOUT:-1800}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-20}"

die() { echo "run-notebooks: $*" >&2; exit 2; }

[ -x "$JUPYTER" ] || die "$JUPYTER not found: run scripts/notebook-setup.sh"
"$JUPYTER" kernelspec list 2>/dev/null | awk '{print $1}' | grep -qx java \
  || die "no Jupyter kernel named java: run scripts/notebook-setup.sh"
ls "$ROOT"/toolkit/target/alexnet-toolkit-*-all.jar >/dev/null 2>&1 \
  || die "toolkit/target/alexnet-toolkit-*-all.jar missing: build it with 'mvn -B -q -DskipTests package'"

notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then
  notebooks=("$ROOT"/notebooks/*.ipynb)
  [ -e "${notebooks[0]}" ] || die "no notebooks in $ROOT/notebooks"
fi
mkdir -p "$OUT"

# Sum of the resident sets (kB) of $1 and all its descendants, and the largest java process among them.
tree_rss() {
  ps -e -o pid=,ppid=,rss=,comm= | awk -v root="$1" '
    { parent[$1] = $2; rss[$1] = $3; comm[$1] = $4 }
    END {
      for (p in parent) {
        q = p
        while (q != "" && q != root && q != 0 && q != 1) q = parent[q]
        if (q == root) { total += rss[p]; if (comm[p] == "java" && rss[p] > java) java = rss[p] }
      }
      printf "%d %d\n", total, java
    }'
}

# Runs nbconvert on $1 writing $2 (basename, no folder); sets PEAK_TREE_KB and PEAK_KERNEL_KB.
execute() {
  local nb="$1" name="$2" log="$3"
  ( cd "$(dirname "$nb")" && exec "$JUPYTER" nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=java \
      --ExecutePreprocessor.startup_timeout="$STARTUP_TIMEOUT" \
      --ExecutePreprocessor.timeout="$CELL_TIMEOUT" \
      --output-dir "$OUT" --output "$name" "$(basename "$nb")" ) >"$log" 2>&1 &
  local pid=$!
  PEAK_TREE_KB=0
  PEAK_KERNEL_KB=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r tree java < <(tree_rss "$pid")
    ((tree > PEAK_TREE_KB)) && PEAK_TREE_KB=$tree
    ((java > PEAK_KERNEL_KB)) && PEAK_KERNEL_KB=$java
    sleep 0.5
  done
  wait "$pid"
}

failed=0
summary=()
for nb in "${notebooks[@]}"; do
  [ -f "$nb" ] || die "no such notebook: $nb"
  nb="$(cd "$(dirname "$nb")" && pwd)/$(basename "$nb")"
  name="$(basename "$nb" .ipynb)"
  log="$OUT/$name.log"
  status=FAILED
  first_start=$(date +%s.%N)
  for attempt in $(seq 1 $ATTEMPTS); do
    start=$(date +%s.%N)
    execute "$nb" "$name.ipynb" "$log"
    rc=$?
    seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    note=""
    if [ "$attempt" -gt 1 ]; then
      note=" (attempt $attempt, $(awk -v s="$first_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')s in all)"
    fi
    if [ $rc -eq 0 ]; then
      status=ok
      break
    fi
    # Only a kernel that never answered is started again; a failing cell is reported at once.
    if grep -qE "Kernel didn't respond in|Kernel died before replying to kernel_info" "$log" && [ "$attempt" -lt $ATTEMPTS ]; then
      echo "run-notebooks: $name: the kernel did not answer at start-up (attempt $attempt of $ATTEMPTS), starting again"
      continue
    fi
    break
  done
  mem=$(awk -v t="$PEAK_TREE_KB" -v k="$PEAK_KERNEL_KB" 'BEGIN { printf "peak memory %.0f MB (kernel %.0f MB)", t / 1024, k / 1024 }')
  if [ "$status" = ok ]; then
    if ! "$JUPYTER" nbconvert --to html --output-dir "$OUT" "$OUT/$name.ipynb" >>"$log" 2>&1; then
      status="FAILED (HTML export)"
    fi
  fi
  if [ "$status" = FAILED ] && grep -qE "Kernel didn't respond in|Kernel died before replying to kernel_info" "$log"; then
    status="FAILED (the kernel did not answer at start-up in $ATTEMPTS attempts)"
  fi
  line="$name: $status in ${seconds}s$note, $mem"
  echo "run-notebooks: $line"
  summary+=("$line")
  if [ "$status" != ok ]; then
    failed=$((failed + 1))
    # The cell error, as nbconvert printed it (CellExecutionError lists the cell and the exception).
    grep -A25 -m1 -E "CellExecutionError|DeadKernelError|RuntimeError|TimeoutError|Error" "$log" \
      | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/  | /' >&2
    echo "  full log: $log" >&2
  fi
done

echo "run-notebooks: ${#notebooks[@]} notebook(s), $failed failed; outputs in ${OUT#"$ROOT"/}/"
for line in "${summary[@]}"; do echo "  $line"; done
[ $failed -eq 0 ]
