#!/usr/bin/env bash
# Sets up what is missing, then runs every test (both DJL engines) and prints Surefire's summary and
# a last line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
SKIP_JAR=1 bash scripts/setup.sh || exit 1
rm -rf toolkit/target/surefire-reports
mvn -B -ntp test
status=$?
# The closing line CI reads, summed over Surefire's reports.
attr() { grep -o '<testsuite [^>]*' "$1" | grep -o " $2=\"[0-9]*\"" | head -n 1 | grep -o '[0-9][0-9]*'; }
tests=0; bad=0; skipped=0
for report in toolkit/target/surefire-reports/TEST-*.xml; do
  [ -f "$report" ] || continue
  tests=$((tests + $(attr "$report" tests)))
  bad=$((bad + $(attr "$report" failures) + $(attr "$report" errors)))
  skipped=$((skipped + $(attr "$report" skipped)))
done
echo "$((tests - bad - skipped)) passed, $bad failed, $skipped skipped"
exit $status
