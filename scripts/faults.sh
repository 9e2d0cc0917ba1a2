#!/usr/bin/env bash
# `npm run faults`: the fault suite (test/faults) and the security suite (test/security) on the
# testbed, then their two tables. The testbed is brought up when it is not, and kept running.
set -uo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent || exit 1
node scripts/testbed/cli.mjs up >/dev/null || exit 1

mkdir -p test-results
rm -f test-results/faults.txt test-results/security.txt
TUNECTL_TESTBED_KEEP=1 npx vitest run --project integration --no-file-parallelism test/faults test/security
status=$?

table() {
  local title=$1 file=$2
  echo
  echo "== $title"
  if [ -s "$file" ]; then
    column -t -s '|' -o '|' "$file"
  else
    echo "(no results: see the test output above)"
  fi
}
table "fault suite (scenario | survived | data lost)" test-results/faults.txt
table "security suite (attack | refused)" test-results/security.txt
exit $status
