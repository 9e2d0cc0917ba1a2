#!/usr/bin/env bash
# `npm test`: installs and starts everything the tests need, then runs every suite:
# lint, unit tests (TypeScript), trainer tests (Python), integration tests on the testbed
# (real sshd hosts in network namespaces, a real dockerd, a real S3 server).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

bash scripts/setup/install-packages.sh \
  openssh-server docker.io iproute2 debootstrap python3-torch python3-pytest curl chromium

echo "== lint"
npm run lint --silent

# TensorBoard's own reader checks the event files `tunectl export-metrics` writes.
tb_venv=node_modules/.cache/tensorboard-venv
if [ ! -x "$tb_venv/bin/python" ] || ! "$tb_venv/bin/python" -c "import tensorboard" 2>/dev/null; then
  python3 -m venv "$tb_venv" && "$tb_venv/bin/pip" install -q tensorboard==2.21.0
fi
export TENSORBOARD_PYTHON="$PWD/$tb_venv/bin/python"

echo "== unit tests"
npx vitest run --project unit

echo "== package (npm pack, npm i -g of the tarball, the installed tunectl)"
npx vitest run --project package

echo "== trainer tests"
/usr/bin/python3 -m pytest -q -p no:cacheprovider scripts/trainer/tests

echo "== integration tests (testbed)"
npx vitest run --project integration --no-file-parallelism
