#!/usr/bin/env bash
# Prints the GitHub Action's outputs, in $GITHUB_OUTPUT's syntax, from a run's JSON report and the
# `args` input:
#
#   dist/action-outputs.sh REPORT.json [ARGS...]
#
# findings=N (the report's summary.findings; empty when entralint wrote no report), report=PATH,
# and reports: the JSON report, then every `--output FILE` or `--output=FILE` in ARGS, one a line.
set -euo pipefail
report=$1
shift

findings=""
if [ -f "$report" ]; then
  # The first `"findings": N` is the summary's; the list of findings is `"findings": [`.
  findings=$(grep -o '"findings": *[0-9][0-9]*' "$report" | head -n 1 | grep -o '[0-9][0-9]*$' || true)
fi
echo "findings=$findings"
echo "report=$report"

reports=("$report")
while [ $# -gt 0 ]; do
  case "$1" in
    --output) [ $# -gt 1 ] && reports+=("$2") && shift ;;
    --output=*) reports+=("${1#--output=}") ;;
  esac
  shift
done
# A delimiter no file name in the list contains.
delimiter="ENTRALINT_REPORTS_$RANDOM$RANDOM"
while printf '%s\n' "${reports[@]}" | grep -qx "$delimiter"; do
  delimiter="ENTRALINT_REPORTS_$RANDOM$RANDOM"
done
echo "reports<<$delimiter"
printf '%s\n' "${reports[@]}"
echo "$delimiter"
