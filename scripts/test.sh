#!/usr/bin/env bash
# `npm test`: installs and starts everything the tests need, then runs every suite:
# lint, unit tests (TypeScript), trainer tests (Python), the concurrency suite (this machine
# only), integration tests on the testbed
# (real sshd hosts in network namespaces, a real dockerd, a real S3 server).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

bash scripts/setup/install-packages.sh \
  openssh-server docker.io iproute2 debootstrap python3-venv curl chromium

echo "== lint"
npm run lint --silent

# the trainer's virtualenv from scripts/trainer/requirements.lock (made once per lock, then
# reused): the unit suite's contract round trip runs the trainer's own parser in it, and
# TensorBoard's own reader (in the lock) checks the event files `tunectl export-metrics` writes
trainer_python=$(sh scripts/trainer/venv.sh)
export TUNECTL_TRAINER_PYTHON="$trainer_python"
export TENSORBOARD_PYTHON="$trainer_python"

echo "== unit tests"
npx vitest run --project unit

echo "== package (npm pack, npm i -g of the tarball, the installed tunectl)"
npx vitest run --project package

echo "== trainer tests"
"$trainer_python" -m pytest -q -p no:cacheprovider scripts/trainer/tests

echo "== concurrency suite (eight tunectl processes on one workspace)"
npx vitest run --project concurrency

echo "== local end-to-end suite (real trainer, servers and browser on this machine)"
npx vitest run --project local --passWithNoTests

echo "== integration tests (testbed)"
# One testbed per machine (its namespaces, bridge and addresses are fixed): a second checkout's
# npm test waits here for the first to take its testbed down, rather than colliding with it.
flock /tmp/tunectl-testbed.lock npx vitest run --project integration --no-file-parallelism
