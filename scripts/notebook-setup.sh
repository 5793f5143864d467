#!/usr/bin/env bash
# Sets up headless Jupyter with a Java kernel for the notebooks; safe to run again (it only does what
# is missing):
#   1. Debian's Jupyter (apt), used through /usr/bin/jupyter because a pyenv python3 may shadow Debian's;
#   2. rapaio-jupyter-kernel 3.0.1 from Maven Central into build/kernel/;
#   3. a kernelspec named "java" (IJava's name, so notebooks run unchanged on Binder's IJava);
#   4. a check: a one-cell notebook executes through nbconvert.
# Options: --no-check skips the check. Environment:
# JUPYTER_DATA_DIR moves the kernelspec (default: the user's Jupyter data folder, for root
# /root/.local/share/jupyter/kernels/java).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RJK_VERSION=3.0.1
KERNEL_DIR="$ROOT/build/kernel"
KERNEL_JAR="$KERNEL_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
JUPYTER=/usr/bin/jupyter
CHECK=1
for arg in "$@"; do
  case "$arg" in
    --no-check) CHECK=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "notebook-setup.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "notebook-setup: $*"; }

# --- 1. Jupyter from Debian ------------------------------------------------------------------------
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client)
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
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Jupyter packages present"
fi
[ -x "$JUPYTER" ] || { echo "notebook-setup: $JUPYTER missing after install" >&2; exit 1; }

# --- 2. The kernel jar ----------------------------------------------------------------------------
command -v java >/dev/null || { echo "notebook-setup: java not found: run scripts/setup.sh first" >&2; exit 1; }
command -v mvn >/dev/null || { echo "notebook-setup: mvn not found: run scripts/setup.sh first" >&2; exit 1; }
if [ ! -s "$KERNEL_JAR" ]; then
  say "fetching io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION (Maven Central)"
  mkdir -p "$KERNEL_DIR"
  # Run outside the project so Maven does not need to read (or build) the project's pom.
  (cd "$KERNEL_DIR" && mvn -q -B -Dstyle.color=never dependency:copy \
      -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" -DoutputDirectory="$KERNEL_DIR")
else
  say "kernel jar present: $KERNEL_JAR"
fi

# --- 3. The kernelspec "java" ---------------------------------------------------------------------
# The env block mirrors what rapaio's own installer writes (values in kernel.json override the
# process environment): no execution time limit, no init script, no extra classpath; notebooks add
# the toolkit with their %jars cell. The dependency cache for %maven (unused here) stays in build/kernel/.
SPEC_SRC="$KERNEL_DIR/kernelspec/java"
mkdir -p "$SPEC_SRC"
cat >"$SPEC_SRC/kernel.json.new" <<EOF
{
  "argv": ["java", "-jar", "$KERNEL_JAR", "{connection_file}"],
  "display_name": "Java (rapaio)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_TIMEOUT_MILLIS": "-1",
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": "",
    "RJK_CLASSPATH": "",
    "RJK_MIMA_CACHE": "mima_cache"
  }
}
EOF
mv "$SPEC_SRC/kernel.json.new" "$SPEC_SRC/kernel.json"
installed="$("$JUPYTER" kernelspec list --json 2>/dev/null \
  | /usr/bin/python3 -c 'import json,sys; k=json.load(sys.stdin)["kernelspecs"].get("java"); print(k["resource_dir"] if k else "")')"
if [ -n "$installed" ] && cmp -s "$installed/kernel.json" "$SPEC_SRC/kernel.json"; then
  say "kernelspec java present: $installed"
else
  "$JUPYTER" kernelspec install --user --replace --name java "$SPEC_SRC" >/dev/null 2>&1 \
    || { echo "notebook-setup: jupyter kernelspec install failed" >&2; exit 1; }
  say "kernelspec java installed: $("$JUPYTER" kernelspec list 2>/dev/null | awk '$1=="java"{print $2}')"
fi

# --- 4. Check ---------------------------------------------------------------------------------------
if ((CHECK)); then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/check.ipynb" <<'EOF'
{"cells": [{"cell_type": "code", "execution_count": null, "id": "check", "metadata": {}, "outputs": [],
  "source": ["System.out.println(\"java kernel ok: \" + (6 * 7));"]}],
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
  say "check passed: a notebook cell ran on the java kernel"
fi
