#!/usr/bin/env bash
# The simulator's fleet-scale benchmark: the shipped scenarios rolling-update-10k and
# broker-restart-storm at N nodes (default 10000), each with the controller and its embedded broker
# in a process of their own and the whole fleet in the simulator's. Prints each run's summary;
# the reports (HTML and JSON) go to target/bench-fleet/SCENARIO/. Record the figures in
# docs/benchmarks.md with the machine and this command.
#
# usage: scripts/bench-fleet.sh [NODES] [SCENARIO...]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nodes=${1:-10000}
[ $# -gt 0 ] && shift
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(rolling-update-10k broker-restart-storm)

# A virtual node holds about a hundred KiB of heap, and the simulator's default heap is a quarter
# of the memory; say more when there is more to use.
export JAVA_OPTS=${JAVA_OPTS:--Xmx6g}
status=0
for scenario in "${scenarios[@]}"; do
  out="$ROOT/target/bench-fleet/$scenario"
  rm -rf "$out"
  echo "== $scenario at $nodes nodes (JAVA_OPTS=$JAVA_OPTS), reports in $out"
  "$ROOT/flotilla" simulate --scenario "$scenario" --nodes "$nodes" --out "$out" || status=1
  echo
done
exit $status
