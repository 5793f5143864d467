#!/usr/bin/env bash
# Training-throughput benchmark (docs/benchmarks.md): for each engine, in a JVM of its own, the
# toolkit's training loop next to a bare forward/backward/step loop on the same model, plus data
# loading alone. One JVM per engine: with MXNet's and PyTorch's native libraries (two OpenMP
# runtimes) in one process PyTorch ran ~5x slower at 72 px, batch 32 (not at 224 px, batch 128), and a
# user's run has one engine per process. Extra flags go to TrainingBenchmark
# (--steps N, --warmup N, --rounds N, --models d2l,paper).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jar=$(ls toolkit/target/alexnet-toolkit-*-all.jar | head -n 1)
for engine in ${ENGINES:-MXNet PyTorch}; do
  java -Xmx8g -cp "$jar" org.alexnet.bench.TrainingBenchmark --engines "$engine" "$@"
done
