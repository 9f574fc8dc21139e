#!/usr/bin/env bash
# The test command: prepares the machine, fetches the real assets (tests that need them skip, saying why,
# when they cannot be fetched), installs transformers.js for the client checks (tests/js; npm's cache serves a
# rerun offline), builds, and runs the whole xunit suite. The real-Slurm test, which apt-installs and starts Slurm
# daemons as root, runs only with DISTILL_SLURM_TESTS=1 (CI's .ci/run sets it); otherwise it is skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/bootstrap.sh
bash pipelines/fetch-assets.sh || echo "test: could not fetch the real MiniLM; tests that need it will be skipped"
if command -v npm > /dev/null; then
  # No install scripts: onnxruntime-node's would fetch CUDA libraries; its CPU binary is in the package.
  # Skipped when node_modules was installed after the lock file last changed (npm ci would wipe and redo it).
  [ tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ] \
    || ( cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --silent ) \
    || echo "test: could not install transformers.js (tests/js); the tests that run it will be skipped"
else
  echo "test: npm is not installed; the transformers.js tests will be skipped"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test tests/Distill.Tests/Distill.Tests.csproj -c Release --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# One plain closing line that any CI reader understands, from the runner's summary block.
count() { grep -E "^ +$1: +[0-9]+" "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0; }
if grep -qE '^Total tests: +[0-9]+' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
