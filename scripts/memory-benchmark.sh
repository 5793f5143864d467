#!/usr/bin/env bash
# Native-memory benchmark (docs/notebooks.md, "Kernel and memory"): the workshop AlexNet training
# (alexnet train --preset workshop, 1 epoch by default) in a plain JVM with the notebook kernel's JVM
# options (scripts/kernel-env.sh), once per malloc setting, alternating for ROUNDS rounds. Prints the
# peak resident set and the training speed of each, and the ratios to glibc's defaults.
#   ROUNDS=2 EPOCHS=1 SUBSET=6000 bash scripts/memory-benchmark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
jar=$(ls toolkit/target/alexnet-toolkit-*-all.jar | head -n 1)
source scripts/kernel-env.sh
jemalloc=$KERNEL_JEMALLOC
[ -f "$jemalloc" ] || { echo "memory-benchmark: $jemalloc missing: apt-get install libjemalloc2" >&2; exit 1; }
read -ra heap <<<"$KERNEL_JAVA_OPTS"
declare -A env_of=(
  [glibc]="MALLOC_ARENA_MAX=2"
  [glibc-mmap-1mb]="MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576"
  [jemalloc]="LD_PRELOAD=$jemalloc"
)
names=(glibc glibc-mmap-1mb jemalloc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(date -u +%F)"
for ((round = 1; round <= ${ROUNDS:-2}; round++)); do
  for name in "${names[@]}"; do
    # shellcheck disable=SC2086
    env ${env_of[$name]} /usr/bin/time -f "%M" -o "$out/time" java "${heap[@]}" -jar "$jar" train --preset workshop \
      --epochs "${EPOCHS:-1}" --subset "${SUBSET:-6000}" --output "$out/run-$name-$round" >"$out/log" 2>&1 \
      || { cat "$out/log" >&2; exit 1; }
    peak=$(($(tail -n 1 "$out/time") / 1024))
    speed=$(awk -F, 'NR > 1 {s = $6} END {printf "%.1f", s}' "$out/run-$name-$round/history.csv")
    echo "round $round  $name  peak ${peak} MB  ${speed} img/s"
    echo "$name $peak $speed" >>"$out/all"
  done
done
awk '{peak[$1] = (peak[$1] == "" || $2 < peak[$1]) ? $2 : peak[$1]; if ($3 > speed[$1]) speed[$1] = $3}
     END {for (n in peak) printf "best  %-15s peak %5d MB (%.2fx glibc)  %6.1f img/s (%.2fx glibc)\n",
            n, peak[n], peak[n] / peak["glibc"], speed[n], speed[n] / speed["glibc"]}' "$out/all" | sort
