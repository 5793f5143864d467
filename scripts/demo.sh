#!/usr/bin/env bash
# The main job: set up what is missing, then train the Fashion-MNIST AlexNet with the workshop
# defaults (3 epochs on a 10,000-image subset at 96 px, a few minutes on 2 CPU cores; on a GPU the
# d2l setting), printing progress and the final test accuracy. Extra flags go to 'alexnet train'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec java -jar toolkit/target/alexnet-toolkit-*-all.jar train "$@"
