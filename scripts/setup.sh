#!/usr/bin/env bash
# Installs what the project needs when it is missing (Debian/Ubuntu): a JDK 17+, Maven, npm, the
# official Fashion-MNIST files (Debian package dataset-fashion-mnist) and libjpeg-turbo's Java binding
# (libturbojpeg-java, the ImageNet pipeline's JPEG decoder), python3-torch where possible (the PyTorch
# cross-check tests, scripts/alexnet_torch.py), then builds the toolkit jar.
# Safe to run again: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -qE 'javac (1[7-9]|[2-9][0-9])'; then
  need+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || need+=(maven)
# The build packs plotly.js (for offline notebook plots) from the npm registry.
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ -z "${FASHION_MNIST_DIR:-}" ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  need+=(dataset-fashion-mnist)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# libjpeg-turbo's Java binding is not on Maven Central: the toolkit loads it at run time and falls back
# to ImageIO without it, so it is installed where possible but never required.
if [ ! -f /usr/share/java/turbojpeg.jar ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1; }; then
    echo "setup: installing libturbojpeg-java"
    { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends libturbojpeg-java >/dev/null; } ||
      echo "setup: could not install libturbojpeg-java: JPEGs are decoded with ImageIO (~1.6x slower)" >&2
  else
    echo "setup: libturbojpeg-java not installed (needs apt and root): JPEGs are decoded with ImageIO (~1.6x slower)" >&2
  fi
fi

# Debian's python3-torch and -torchvision: the tests check exported and imported weights in PyTorch
# with them, and scripts/alexnet_torch.py converts torchvision's .pth with them
# (docs/use-a-trained-model.md); scipy and Pillow: the data-preparation tests under datasets/.
# Installed where possible; the tests that need them skip, saying why, without them.
if ! /usr/bin/python3 -c 'import torch, torchvision, numpy, scipy, PIL' >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1; }; then
    echo "setup: installing python3-torch (for the PyTorch cross-checks)"
    { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends python3-torch python3-torchvision python3-numpy python3-scipy python3-pil >/dev/null; } ||
      echo "setup: could not install python3-torch: the PyTorch cross-check tests will be skipped" >&2
  else
    echo "setup: python3-torch not installed (needs apt and root): the PyTorch cross-check tests will be skipped" >&2
  fi
fi

# Build the self-contained jar when it is missing or older than the sources (the tests build their own).
[ -n "${SKIP_JAR:-}" ] && exit 0
jar=$(ls toolkit/target/alexnet-toolkit-*-all.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ -n "$(find toolkit/src/main toolkit/pom.xml pom.xml -newer "$jar" -type f -print -quit)" ]; then
  echo "setup: building the toolkit (first time: Maven downloads DJL and the engines, ~300 MB)"
  mvn -B -q -ntp -DskipTests package
fi
