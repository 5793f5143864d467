#!/usr/bin/env bash
# Input-pipeline benchmark (docs/benchmarks.md): the toolkit's ImageNet pipeline (decode, scale to
# 256, centre 256, mean image, random 224 crop, flip, PCA lighting), once with libjpeg-turbo and once
# with ImageIO, against the Python peer (Debian's torchvision + PIL) on the same JPEGs at ImageNet's
# typical sizes, one core each, in rounds that rotate the order; then 1..N toolkit threads, the
# multi-threaded loader, the paper network's training throughput, and the peer with N processes.
# Every measurement line carries the load average (the machine may be shared). Last, how the
# pipeline's results differ between the two decoders: on the corpus, and on opencv-doc's large
# photographs, which libjpeg-turbo decodes at half size (also against torchvision's patches).
# Env: ROUNDS (default 3), SECONDS_PER_RUN (default 10), TRAIN_STEPS (default 3), CORPUS (folder),
# LARGE (folder of the large photographs).
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bash scripts/bench-classpath.sh) # setup.sh (also installs libturbojpeg-java), both modules' jars
need=()
/usr/bin/python3 -c 'import torchvision, PIL' 2>/dev/null || need+=(python3-torchvision python3-pil)
[ -d /usr/share/doc/opencv-doc/examples/data ] || need+=(opencv-doc)
if [ ${#need[@]} -gt 0 ]; then
  echo "pipeline-benchmark: installing ${need[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
corpus=${CORPUS:-build/bench-corpus}
if [ ! -d "$corpus/train" ]; then
  /usr/bin/python3 datasets/bench/make_corpus.py "$corpus" --count 256
fi
large=${LARGE:-build/bench-large}
if [ ! -d "$large/train" ]; then
  /usr/bin/python3 datasets/bench/make_corpus.py "$large" --originals 512
fi
seconds=${SECONDS_PER_RUN:-10}
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(load)"
echo "corpus: $corpus ($(find "$corpus" -name '*.JPEG' | wc -l) JPEGs, $(du -sh "$corpus" | cut -f1))"
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# alexnet.jpeg=turbo fails loudly if libjpeg-turbo did not load, so no figure is silently ImageIO's.
toolkit() {
  echo "load before toolkit ($1): $(load)"
  java -Dalexnet.jpeg="$1" -Xmx2g -cp "$cp" org.alexnet.bench.PipelineBenchmark --dir "$corpus" \
    --seconds "$seconds" --single-only | grep -E '^(decoder|toolkit)' | tee -a "$results"
}
peer() {
  echo "load before peer: $(load)"
  /usr/bin/python3 datasets/bench/peer_pipeline.py "$corpus/train" --seconds "$seconds" | tee -a "$results"
}
for round in $(seq 1 "${ROUNDS:-3}"); do
  echo "round $round"
  case $((round % 3)) in
    1) toolkit turbo; toolkit imageio; peer ;;
    2) peer; toolkit turbo; toolkit imageio ;;
    0) toolkit imageio; peer; toolkit turbo ;;
  esac
done
echo "load before threads, loader, training: $(load)"
java -Dalexnet.jpeg=turbo -Xmx4g -cp "$cp" org.alexnet.bench.PipelineBenchmark --dir "$corpus" --seconds "$seconds" \
  --train-steps "${TRAIN_STEPS:-3}" | grep -E '^toolkit-(threads|loader|train)' | tee -a "$results"
echo "load before peer with $(nproc) processes: $(load)"
/usr/bin/python3 datasets/bench/peer_pipeline.py "$corpus/train" --seconds "$seconds" --threads "$(nproc)" \
  | sed 's/^peer /peer-processes /' | tee -a "$results"
# Summary: best round of each (the machine is shared; the best is the least disturbed). Per core =
# images per CPU-second of the whole process (the peer's process_time, the toolkit's JVM CPU time).
awk '
  function get(key,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] } return 0 }
  /^toolkit images_per_second_per_core/ { d = get("decoder"); c = get("images_per_process_cpu_second"); w = get("images_per_second_per_core")
    if (c > cpu[d]) cpu[d] = c; if (w > wall[d]) wall[d] = w }
  /^peer images_per_second_per_core/ { c = get("images_per_cpu_second"); w = get("images_per_second_per_core")
    if (c > cpu["peer"]) cpu["peer"] = c; if (w > wall["peer"]) wall["peer"] = w }
  /^toolkit-threads/ { t = get("threads"); threads[t] = get("images_per_second"); tcpu[t] = get("images_per_process_cpu_second"); if (t > maxt) maxt = t }
  /^peer-processes/ { pn = get("threads"); pw = get("images_per_second_per_core") * pn; pc = get("images_per_cpu_second") }
  END {
    printf "summary: one core, best round, images per CPU-second (wall img/s): toolkit+turbo %.0f (%.0f), toolkit+ImageIO %.0f (%.0f), peer %.0f (%.0f)\n", cpu["turbo"], wall["turbo"], cpu["imageio"], wall["imageio"], cpu["peer"], wall["peer"]
    printf "summary: per core vs peer: turbo %.2fx, ImageIO %.2fx (wall: %.2fx, %.2fx)\n", cpu["turbo"] / cpu["peer"], cpu["imageio"] / cpu["peer"], wall["turbo"] / wall["peer"], wall["imageio"] / wall["peer"]
    for (t = 1; t <= maxt; t++) printf "summary: %d toolkit thread(s): %.0f img/s, %.0f per CPU-second\n", t, threads[t], tcpu[t]
    if (pn) printf "summary: peer with %d processes: %.0f img/s, %.0f per CPU-second\n", pn, pw, pc
    n = 3000 / cpu["turbo"]; printf "summary: 3,000 img/s takes %.1f cores at the one-core rate (%d decoding cores)\n", n, (n == int(n)) ? n : int(n) + 1
  }
' "$results"
echo "resampling: the pipeline's central 256 patches with libjpeg-turbo vs ImageIO"
java -Xmx2g -cp "$cp" org.alexnet.bench.PipelineBenchmark --dir "$corpus" --resampling | grep '^resampling-summary'
patches=$(mktemp -d)
trap 'rm -f "$results"; rm -rf "$patches"' EXIT
java -Xmx2g -cp "$cp" org.alexnet.bench.PipelineBenchmark --dir "$large" --resampling --patches "$patches" | grep '^resampling'
/usr/bin/python3 datasets/bench/resampling_reference.py "$patches" "$large"
