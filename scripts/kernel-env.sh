# The notebook kernel's JVM options and memory allocator, in one place for scripts/notebook-setup.sh
# (rapaio: local and CI), binder/postBuild (IJava on Binder) and scripts/memory-benchmark.sh. Sourced,
# not run. The figures behind these choices are in docs/notebooks.md, "Kernel and memory".

# The tensors live in the engine's native memory; the Java heap holds Fashion-MNIST and the kernel's
# own data (about 110-140 MB live). A small young generation and a heap that shrinks after a full
# collection keep the garbage of earlier cells from staying resident while a later cell trains; the
# serial collector keeps the JVM's own overhead small on Binder's 1-2 cores.
KERNEL_JAVA_OPTS="${KERNEL_JAVA_OPTS:--Xms32m -Xmx320m -Xmn24m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=96m}"

# The engine frees and reallocates megabytes of activations every batch. With glibc's malloc these stay
# resident (its mmap threshold rises to 32 MB), which cost notebook 03 about 300 MB; jemalloc (Debian's
# libjemalloc2) reuses and returns them; without it, a fixed 1 MB mmap threshold does about as well.
# Both train 10-20% slower than glibc's defaults. KERNEL_JEMALLOC= (empty) turns jemalloc off.
KERNEL_JEMALLOC="${KERNEL_JEMALLOC-/usr/lib/x86_64-linux-gnu/libjemalloc.so.2}"

# Prints the kernel's malloc environment as NAME=VALUE words. Call it after jemalloc may have been
# installed: it falls back to the mmap threshold when the library is not there.
kernel_malloc_env() {
  # Fewer glibc malloc arenas: the engines' many threads otherwise each keep their own.
  local env=(MALLOC_ARENA_MAX=2)
  if [ -n "$KERNEL_JEMALLOC" ] && [ -f "$KERNEL_JEMALLOC" ]; then
    env+=("LD_PRELOAD=$KERNEL_JEMALLOC")
  else
    env+=(MALLOC_MMAP_THRESHOLD_=1048576)
  fi
  echo "${env[*]}"
}
