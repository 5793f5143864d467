#!/usr/bin/env bash
# Sets up headless Jupyter with a Java kernel for the notebooks; safe to run again (it only does what
# is missing):
#   1. Debian's Jupyter (apt), used through /usr/bin/jupyter because a pyenv python3 may shadow Debian's;
#   2. rapaio-jupyter-kernel 3.0.1 from Maven Central into build/kernel/;
#   3. a kernelspec named "java" (IJava's name, so notebooks run unchanged on Binder's IJava) in
#      build/jupyter/kernels/java/; the project's scripts find it through JUPYTER_PATH=build/jupyter,
#      which comes before the user's own kernels; the kernel JVM gets KERNEL_JAVA_OPTS (default below),
#      and the allocator of scripts/kernel-env.sh, so that a notebook's kernel fits in Binder's ~2 GB;
#   4. a check: a one-cell notebook executes on that kernel.
# Options: --no-check skips the check; --user also registers the kernel in the user's Jupyter folder
# (for a Jupyter started by hand); --browser also installs Chromium (apt) for the browser check.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RJK_VERSION=3.0.1
KERNEL_DIR="$ROOT/build/kernel"
KERNEL_JAR="$KERNEL_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
SPEC_DIR="$ROOT/build/jupyter/kernels/java"
JUPYTER=/usr/bin/jupyter
# KERNEL_JAVA_OPTS, KERNEL_JEMALLOC and kernel_malloc_env: the kernel's JVM options and allocator.
source "$ROOT/scripts/kernel-env.sh"
CHECK=1 USER_SPEC=0 BROWSER=0
for arg in "$@"; do
  case "$arg" in
    --no-check) CHECK=0 ;;
    --user) USER_SPEC=1 ;;
    --browser) BROWSER=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "notebook-setup.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "notebook-setup: $*"; }

# --- 1. Jupyter from Debian (and Chromium for the browser check) ----------------------------------
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client libjemalloc2)
((BROWSER)) && APT_PACKAGES+=(chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]} (apt)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "notebook-setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x "$JUPYTER" ] || { echo "notebook-setup: $JUPYTER missing after install" >&2; exit 1; }

# --- 2. The kernel jar ----------------------------------------------------------------------------
command -v java >/dev/null || { echo "notebook-setup: java not found: run scripts/setup.sh first" >&2; exit 1; }
command -v mvn >/dev/null || { echo "notebook-setup: mvn not found: run scripts/setup.sh first" >&2; exit 1; }
if [ ! -s "$KERNEL_JAR" ]; then
  say "fetching io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION (Maven Central)"
  mkdir -p "$KERNEL_DIR"
  # Run outside the project so Maven does not need to read (or build) the project's pom.
  (cd "$KERNEL_DIR" && mvn -B -ntp dependency:copy \
      -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" -DoutputDirectory="$KERNEL_DIR") \
    >"$KERNEL_DIR/fetch.log" 2>&1 || { cat "$KERNEL_DIR/fetch.log" >&2; exit 1; }
fi

# --- 3. The kernelspec "java" ---------------------------------------------------------------------
# The env block mirrors what rapaio's own installer writes (values in kernel.json override the
# process environment): no execution time limit, no init script, no extra classpath; notebooks add
# the toolkit with their %jars cell. The dependency cache for %maven (unused here) stays in build/kernel/.
mkdir -p "$SPEC_DIR"
read -ra java_opts <<<"$KERNEL_JAVA_OPTS"
/usr/bin/python3 - "$KERNEL_JAR" "$KERNEL_DIR/mima_cache" "$(kernel_malloc_env)" "${java_opts[@]}" >"$SPEC_DIR/kernel.json.new" <<'EOF'
import json, sys
jar, cache, malloc, opts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
print(json.dumps({
    "argv": ["java", *opts, "-jar", jar, "{connection_file}"],
    "display_name": "Java (rapaio)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"RJK_TIMEOUT_MILLIS": "-1", "RJK_COMPILER_OPTIONS": "", "RJK_INIT_SCRIPT": "",
            "RJK_CLASSPATH": "", "RJK_MIMA_CACHE": cache,
            **dict(word.split("=", 1) for word in malloc.split())},
}, indent=2))
EOF
if cmp -s "$SPEC_DIR/kernel.json.new" "$SPEC_DIR/kernel.json"; then
  rm "$SPEC_DIR/kernel.json.new"
else
  mv "$SPEC_DIR/kernel.json.new" "$SPEC_DIR/kernel.json"
  say "kernelspec java written: ${SPEC_DIR#"$ROOT"/} (JVM options: $KERNEL_JAVA_OPTS)"
fi
export JUPYTER_PATH="$ROOT/build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
if ((USER_SPEC)); then
  "$JUPYTER" kernelspec install --user --replace --name java "$SPEC_DIR" >/dev/null 2>&1 \
    || { echo "notebook-setup: jupyter kernelspec install --user failed" >&2; exit 1; }
  say "kernelspec java also registered for $(id -un): $(JUPYTER_PATH="" "$JUPYTER" kernelspec list | awk '$1=="java"{print $2}')"
fi

# --- 4. Check ---------------------------------------------------------------------------------------
if ((CHECK)); then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/check.ipynb" <<'EOF'
{"cells": [{"cell_type": "code", "execution_count": null, "id": "check", "metadata": {}, "outputs": [],
  "source": ["System.out.println(\"java kernel ok: \" + (6 * 7) + \", heap \" + Runtime.getRuntime().maxMemory() / (1 << 20) + \" MB\");"]}],
 "metadata": {"kernelspec": {"display_name": "Java (rapaio)", "language": "java", "name": "java"},
  "language_info": {"name": "java"}},
 "nbformat": 4, "nbformat_minor": 5}
EOF
  # rapaio 3.0.1 sometimes never answers at start-up (REFERENCE.md): short timeout, a few tries.
  ok=0
  for attempt in 1 2 3 4 5; do
    if "$JUPYTER" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=java \
        --ExecutePreprocessor.startup_timeout=20 --ExecutePreprocessor.timeout=120 \
        "$tmp/check.ipynb" --output "$tmp/out.ipynb" >"$tmp/log" 2>&1 \
        && grep -q 'java kernel ok: 42' "$tmp/out.ipynb"; then
      ok=1; break
    fi
    say "check attempt $attempt failed: $(grep -m1 -iE 'error|timeout' "$tmp/log" || tail -n1 "$tmp/log")"
  done
  ((ok)) || { echo "notebook-setup: the java kernel did not run a cell; log:" >&2; cat "$tmp/log" >&2; exit 1; }
  say "kernel check passed ($(grep -o 'java kernel ok: 42, heap [0-9]* MB' "$tmp/out.ipynb"))"
fi
