#!/usr/bin/env bash
# Lines of code per package of a checkout: package, .java files, lines (wc -l), code lines (not blank,
# not starting with //, /* or *). Used for docs/architecture.md.
# usage: bash scripts/loc.sh [DIR] (default: this checkout)
cd "${1:-$(dirname "$0")/..}" || exit 2
for dir in $(find toolkit/src/main/java/org/alexnet benchmarks/src/main/java/org/alexnet -mindepth 1 -type d 2>/dev/null | sort); do
  files=$(ls $dir/*.java 2>/dev/null | wc -l); [ "$files" -eq 0 ] && continue
  pkg=$(echo $dir | sed 's|.*/java/||; s|/|.|g')
  lines=$(cat $dir/*.java | wc -l)
  code=$(cat $dir/*.java | grep -vE '^\s*$|^\s*(//|/\*|\*)' | wc -l)
  echo "$pkg $files $lines $code"
done
