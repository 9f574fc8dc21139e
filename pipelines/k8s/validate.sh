#!/usr/bin/env bash
# Schema check of the Kubernetes manifests (validate.mjs), with the npm packages kubernetes-models and yaml
# installed once into artifacts/tools/k8s-validate. Usage: validate.sh [FILE.yaml...]  (default: every manifest here)
# Exit: 0 all valid, 1 some invalid, 77 when node/npm or the packages cannot be had (the reason printed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/../../artifacts/tools/k8s-validate"
command -v node > /dev/null && command -v npm > /dev/null || { echo "validate: skip: node and npm are needed (apt-get install nodejs npm)"; exit 77; }
if [ ! -d "$tools/node_modules/kubernetes-models" ] || [ ! -d "$tools/node_modules/yaml" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --silent --no-audit --no-fund kubernetes-models@5.1.0 yaml@2.9.1 > "$tools/npm.log" 2>&1 \
    || { echo "validate: skip: npm could not install kubernetes-models and yaml (see $tools/npm.log)"; exit 77; }
fi
# Node resolves the packages from the script's folder, so the script runs from beside them.
cp "$here/validate.mjs" "$tools/validate.mjs"
if [ $# -eq 0 ]; then set -- "$here"/*.yaml; fi
node "$tools/validate.mjs" "$@"
