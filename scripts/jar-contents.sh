#!/usr/bin/env bash
# The toolkit's shaded jars (-all and -gpu) by what is inside: each entry is traced to the Maven
# artifact that supplied it (from the toolkit's dependency classpath), artifacts are summed into groups
# (DJL api, each engine's Java code / JNI / natives, tablesaw and what it pulls in, ...), and a Markdown
# table shows the bytes each group takes in the jar (compressed) and unpacked. docs/packaging.md holds
# its output.
#   bash scripts/jar-contents.sh            # builds the jars first when they are missing
set -euo pipefail
cd "$(dirname "$0")/.."
ls toolkit/target/alexnet-toolkit-*-all.jar >/dev/null 2>&1 || mvn -B -q -ntp -Dstyle.color=never -DskipTests package -pl toolkit >&2
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -B -q -ntp -Dstyle.color=never dependency:build-classpath -pl toolkit -Dmdep.includeScope=runtime -Dmdep.outputFile="$cpfile" >/dev/null
/usr/bin/python3 - "$cpfile" toolkit/target/alexnet-toolkit-*-all.jar toolkit/target/alexnet-toolkit-*-gpu.jar <<'PY'
import os, sys, zipfile

# Group of a dependency jar, by its path in the local Maven repository (first match wins).
GROUPS = [
    ("mxnet-native-mkl", "MXNet native library (libmxnet.so 1.9.1 with oneDNN, OpenBLAS, libgomp)"),
    ("pytorch-native-cpu", "PyTorch native libraries (libtorch 2.7.1 CPU)"),
    ("pytorch-jni", "PyTorch JNI bridge (libdjl_torch for 6 platforms)"),
    ("/ai/djl/mxnet/", "MXNet engine (DJL's Java side)"),
    ("/ai/djl/pytorch/", "PyTorch engine (DJL's Java side)"),
    ("/ai/djl/api/", "DJL api"),
    ("/net/java/dev/jna/", "JNA (DJL's native calls; natives for every platform)"),
    ("/com/google/code/gson/", "Gson (DJL api)"),
    ("/org/apache/commons/commons-compress/", "commons-compress, -io, -codec (DJL api)"),
    ("/commons-io/", "commons-compress, -io, -codec (DJL api)"),
    ("/commons-codec/", "commons-compress, -io, -codec (DJL api)"),
    ("/it/unimi/dsi/fastutil/", "fastutil (tablesaw-core)"),
    ("/com/ibm/icu/", "ICU4J (tablesaw-core)"),
    ("/tech/tablesaw/tablesaw-core/", "tablesaw-core"),
    ("/tech/tablesaw/tablesaw-jsplot/", "tablesaw-jsplot"),
    ("/com/fasterxml/jackson/", "Jackson (tablesaw-jsplot)"),
    ("/net/bytebuddy/", "Byte Buddy (Jackson, tablesaw-jsplot)"),
    ("/io/pebbletemplates/", "Pebble, unbescape (tablesaw-jsplot)"),
    ("/org/unbescape/", "Pebble, unbescape (tablesaw-jsplot)"),
    ("/com/google/guava/", "Guava and its annotations (tablesaw-core)"),
    ("/com/google/errorprone/", "Guava and its annotations (tablesaw-core)"),
    ("/com/google/code/findbugs/", "Guava and its annotations (tablesaw-core)"),
    ("/com/google/j2objc/", "Guava and its annotations (tablesaw-core)"),
    ("/org/checkerframework/", "Guava and its annotations (tablesaw-core)"),
    ("/org/apache/commons/commons-math3/", "commons-math3, RoaringBitmap, univocity, classgraph (tablesaw-core)"),
    ("/org/roaringbitmap/", "commons-math3, RoaringBitmap, univocity, classgraph (tablesaw-core)"),
    ("/com/univocity/", "commons-math3, RoaringBitmap, univocity, classgraph (tablesaw-core)"),
    ("/io/github/classgraph/", "commons-math3, RoaringBitmap, univocity, classgraph (tablesaw-core)"),
    ("/org/slf4j/", "SLF4J api + simple"),
    ("/info/picocli/", "picocli (the alexnet command's parser)"),
]
TOOLKIT = "the toolkit's classes"
PLOTLY = "plotly.js 4.1.2 (notebook figures offline)"

def group_of(path):
    for key, name in GROUPS:
        if key in path:
            return name
    return "other: " + os.path.basename(path)

owner = {}  # entry name -> group
for jar in open(sys.argv[1]).read().strip().split(os.pathsep):
    if jar.endswith(".jar"):
        g = group_of(jar)
        for name in zipfile.ZipFile(jar).namelist():
            owner.setdefault(name, g)

for path in sys.argv[2:]:
    sums = {}
    for e in zipfile.ZipFile(path).infolist():
        if e.is_dir():
            continue
        n = e.filename
        if n.startswith("org/alexnet/plot/plotly"):
            g = PLOTLY
        elif n.startswith("org/alexnet/"):
            g = TOOLKIT
        else:
            g = owner.get(n, "META-INF, licences, merged service files")
        c, u, k = sums.get(g, (0, 0, 0))
        sums[g] = (c + e.compress_size, u + e.file_size, k + 1)
    total = os.path.getsize(path)
    print(f"\n{os.path.basename(path)}: {total / 1e6:.1f} MB, {sum(v[2] for v in sums.values())} files\n")
    print("| group | in the jar (MB) | share | unpacked (MB) | files |")
    print("|---|---:|---:|---:|---:|")
    for g, (c, u, k) in sorted(sums.items(), key=lambda kv: -kv[1][0]):
        print(f"| {g} | {c / 1e6:.2f} | {100 * c / total:.1f}% | {u / 1e6:.2f} | {k} |")
PY
