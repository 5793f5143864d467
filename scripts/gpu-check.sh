#!/usr/bin/env bash
# GPU check, for a machine with one or more NVIDIA GPUs (driver installed; CUDA itself comes with the
# engine build DJL downloads, or from PYTORCH_LIBRARY_PATH / MXNET_LIBRARY_PATH). Expected output:
# docs/gpu.md. It was written on a machine without GPUs and has not been run on one.
#   1. builds the toolkit (both jars) when needed and uses the gpu jar (no bundled CPU natives);
#   2. 'alexnet doctor': engines, native builds and where they came from, the GPUs, the training device;
#   3. a short d2l run at 224 px on one GPU with its throughput (img/s in the epoch line);
#   4. with two or more GPUs, data-parallel training against one GPU on the same batches (losses
#      within 1e-2 relative: org.alexnet.train.DataParallelCheck) and its throughput.
# ENGINE=MXNet|PyTorch forces an engine (default: the rule in README, "GPUs"). Exit status 1 when a
# step fails, including "training ran on the CPU".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
jar=$(ls toolkit/target/alexnet-toolkit-*-gpu.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || { echo "gpu-check: no gpu jar in toolkit/target (mvn -B -DskipTests package builds it)" >&2; exit 1; }
engine=()
[ -n "${ENGINE:-}" ] && engine=(--engine "$ENGINE")
out=$(mktemp -d /tmp/alexnet-gpu-check.XXXXXX)
status=0

echo "== 1. alexnet doctor"
java -jar "$jar" doctor | tee "$out/doctor.txt" || status=1
if ! grep -q '^training   .* on gpu(' "$out/doctor.txt"; then
  echo "gpu-check: training would not use a GPU (see the doctor's notes above)"
  status=1
fi

echo "== 2. d2l network at 224 px, batch 128, one GPU: 1 epoch of 12,800 images"
java -jar "$jar" train "${engine[@]}" --preset d2l --gpus 1 --subset 12800 --test-subset 2000 --epochs 1 \
  --output "$out/d2l" | tee "$out/d2l.txt" || status=1
grep -q 'on gpu(0)' "$out/d2l.txt" || { echo "gpu-check: the run did not train on gpu(0)"; status=1; }

gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)
if [ "${gpus:-0}" -ge 2 ]; then
  echo "== 3. data parallel on $gpus GPUs against one GPU, same batches"
  java -cp "$jar" org.alexnet.train.DataParallelCheck "${engine[@]}" --steps 20 || status=1
  echo "== 3b. d2l epoch on all $gpus GPUs (throughput)"
  java -jar "$jar" train "${engine[@]}" --preset d2l --subset 12800 --test-subset 2000 --epochs 1 \
    --output "$out/d2l-all" | tail -n 2 || status=1
else
  echo "== 3. data parallel: skipped (nvidia-smi lists ${gpus:-0} GPU)"
fi
echo "gpu-check: outputs in $out; $([ $status -eq 0 ] && echo OK || echo FAILED)"
exit $status
