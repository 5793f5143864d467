#!/usr/bin/env bash
# Training-throughput benchmark (docs/benchmarks.md).
#
#   bash scripts/benchmark.sh [TrainingBenchmark flags]
#       For each engine in $ENGINES, in a JVM of its own: the engine's float32 peak, then the toolkit's
#       training loop next to a bare DJL loop (DJL's Optimizer.sgd()) at 224 and 96 px, batch 128.
#       Flags: --steps N, --warmup N, --rounds N, --models d2l,paper, --sizes 224,96, --loops bare,toolkit,
#       --gemm N, --layers, --diagnose (see TrainingBenchmark --help).
#   bash scripts/benchmark.sh --tune [flags]
#       The engine-settings matrix: every setting below in a JVM of its own (the variables must be set
#       before the native library loads), the bare loop only, $ROUNDS rounds with the order reversed
#       every other round, then a table of img/s per setting and its ratio to the best PyTorch setting.
#       Default flags: --sizes 96 --steps 6.
#
# Engine settings of the normal run (NAME=value words; empty = alexnet's defaults, below). Both engines
# use ONE OpenMP thread by default on the 2-vCPU VMs measured (MXNet halves the processor count on x86;
# PyTorch's own core count came out as 1), so the thread count is set explicitly (docs/benchmarks.md,
# "MXNet settings"):
#   MXNET_ENV   default: OMP_NUM_THREADS=$(nproc) OMP_WAIT_POLICY=PASSIVE (2 threads: 1.85x when the cores
#               are free; passive waiting keeps a busy second core from costing much)
#   PYTORCH_ENV default: OMP_NUM_THREADS=$(nproc)
# One JVM per engine: with MXNet's and PyTorch's native libraries (two OpenMP runtimes) in one process
# PyTorch ran ~5x slower at 72 px, batch 32, and a user's run has one engine per process.
# The engine is chosen as the command line chooses it (org.alexnet.engine.Engines), which sets
# OMP_NUM_THREADS=$(nproc) (and OMP_WAIT_POLICY=PASSIVE for MXNet) when they are unset: the "-alexnet"
# rows of --tune are those defaults, i.e. what `alexnet train` runs with.
# The benchmark classes live in the benchmarks module (benchmarks/), not in the toolkit's jars.
# BENCH_CP=classpath runs from that classpath (e.g. private copies of both modules' target/classes plus
# the dependencies) instead of the jars, and skips the set-up; JAVA_OPTS defaults to -Xmx8g.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${BENCH_CP:-}" ]; then
  cp="$BENCH_CP"
else
  cp=$(bash scripts/bench-classpath.sh) # the benchmarks module's jar + the toolkit's -all jar
fi
java_opts=(${JAVA_OPTS:--Xmx8g})
cores=$(nproc)
MXNET_ENV="${MXNET_ENV-OMP_NUM_THREADS=$cores OMP_WAIT_POLICY=PASSIVE}"
PYTORCH_ENV="${PYTORCH_ENV-OMP_NUM_THREADS=$cores}"

run_java() { # run_java "ENV WORDS" ENGINE [flags...]
  local words=$1 engine=$2
  shift 2
  # shellcheck disable=SC2086
  env $words java "${java_opts[@]}" -cp "$cp" org.alexnet.bench.TrainingBenchmark --engines "$engine" "$@"
}

if [ "${1:-}" != "--tune" ]; then
  for engine in ${ENGINES:-MXNet PyTorch}; do
    case "$engine" in
      MXNet | mxnet) words=$MXNET_ENV ;;
      PyTorch | pytorch) words=$PYTORCH_ENV ;;
      *) words="" ;;
    esac
    echo "== $engine with: ${words:-(the alexnet defaults)}"
    run_java "$words" "$engine" "$@"
  done
  exit 0
fi

shift
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(--sizes 96 --steps 6)
# name|engine|settings. KMP_* variables are left out: both engines ship GNU libgomp, which ignores
# them (OMP_PROC_BIND / OMP_PLACES / OMP_WAIT_POLICY / GOMP_SPINCOUNT are its equivalents).
settings=(
  "pt-alexnet|PyTorch|"
  "pt-omp1|PyTorch|OMP_NUM_THREADS=1"
  "pt-omp2|PyTorch|OMP_NUM_THREADS=$cores"
  "mx-alexnet|MXNet|"
  "mx-omp1|MXNet|OMP_NUM_THREADS=1"
  "mx-omp2|MXNet|OMP_NUM_THREADS=$cores"
  "mx-omp2-passive|MXNet|OMP_NUM_THREADS=$cores OMP_WAIT_POLICY=PASSIVE"
  "mx-omp2-bind|MXNet|OMP_NUM_THREADS=$cores OMP_PROC_BIND=close OMP_PLACES=cores"
  "mx-omp2-naive|MXNet|OMP_NUM_THREADS=$cores MXNET_ENGINE_TYPE=NaiveEngine"
  "mx-naive|MXNet|MXNET_ENGINE_TYPE=NaiveEngine"
  "mx-threaded|MXNet|MXNET_ENGINE_TYPE=ThreadedEngine"
  "mx-workers2|MXNet|MXNET_CPU_WORKER_NTHREADS=2"
  "mx-onednn-off|MXNet|MXNET_MKLDNN_ENABLED=0"
  "mx-onednn-off-haswell|MXNet|MXNET_MKLDNN_ENABLED=0 OPENBLAS_CORETYPE=Haswell"
  "mx-openblas-skx|MXNet|OPENBLAS_CORETYPE=SkylakeX"
  "mx-dnnl-avx2|MXNet|DNNL_MAX_CPU_ISA=AVX2"
  "mx-optuning-off|MXNet|MXNET_USE_OPERATOR_TUNING=0"
)
[ -n "${TUNE_ONLY:-}" ] && mapfile -t settings < <(printf '%s\n' "${settings[@]}" | grep -E "^(${TUNE_ONLY//,/|})\|")
log=${TUNE_LOG:-benchmark-tune.log}
: > "$log"
echo "tuning: ${#settings[@]} settings x ${ROUNDS:-2} rounds, flags: ${flags[*]}; log: $log; load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-2}"); do
  order=("${settings[@]}")
  if [ $((round % 2)) -eq 0 ]; then
    mapfile -t order < <(printf '%s\n' "${settings[@]}" | tac)
  fi
  for s in "${order[@]}"; do
    IFS='|' read -r name engine words <<<"$s"
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$(run_java "$words" "$engine" --loops bare --gemm 0 "${flags[@]}" 2>>"$log.err" | tee -a "$log" | grep '^RESULT' || true)
    echo "round $round $name (load before $load): ${line:-FAILED (see $log.err)}" | tee -a "$log.summary"
    while read -r r; do
      [ -n "$r" ] && echo "TUNE name=$name round=$round load_before=$load $r" >>"$log"
    done <<<"$line"
  done
done
# Table: mean img/s per setting and size, and the ratio to the best PyTorch setting at that size.
grep '^TUNE ' "$log" | awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    key = v["name"] SUBSEP v["size"]; sum[key] += v["imgs"]; n[key]++
    x = v["imgs"] + 0
    if (!(key in lo) || x < lo[key]) lo[key] = x
    if (!(key in hi) || x > hi[key]) hi[key] = x
    eng[v["name"]] = v["engine"]; sizes[v["size"]] = 1; names[v["name"]] = 1 }
  END {
    printf "| setting | size | img/s (mean) | min-max | vs best PyTorch |\n|---|---:|---:|---:|---:|\n"
    for (s in sizes) {
      best = 0
      for (nm in names) { k = nm SUBSEP s; if (eng[nm] == "PyTorch" && n[k] && sum[k] / n[k] > best) best = sum[k] / n[k] }
      for (nm in names) { k = nm SUBSEP s; if (!n[k]) continue
        printf "| %s | %s | %.1f | %.1f-%.1f | %s |\n", nm, s, sum[k] / n[k], lo[k], hi[k],
          (best > 0 ? sprintf("%.3f", sum[k] / n[k] / best) : "-") }
    }
  }' | tee -a "$log.summary"
