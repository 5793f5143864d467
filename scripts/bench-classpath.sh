#!/usr/bin/env bash
# Prints the benchmarks' classpath: the benchmarks module's small jar (the bench classes and picocli)
# next to the toolkit's -all jar (everything else). Runs scripts/setup.sh first, and builds the
# benchmarks module when its jar is missing or older than its sources. Used by scripts/benchmark.sh and
# scripts/pipeline-benchmark.sh:  cp=$(bash scripts/bench-classpath.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
bench=$(ls benchmarks/target/alexnet-benchmarks-*-bench.jar 2>/dev/null | head -n 1 || true)
if [ -z "$bench" ] || [ -n "$(find benchmarks/src/main benchmarks/pom.xml -newer "$bench" -type f -print -quit)" ]; then
  echo "bench-classpath: building the benchmarks module" >&2
  # -am: the module resolves the toolkit from this build (it is not installed in ~/.m2).
  mvn -B -q -ntp -DskipTests package -pl benchmarks -am >&2
  bench=$(ls benchmarks/target/alexnet-benchmarks-*-bench.jar | head -n 1)
fi
toolkit=$(ls toolkit/target/alexnet-toolkit-*-all.jar | head -n 1)
echo "$PWD/$bench:$PWD/$toolkit"
