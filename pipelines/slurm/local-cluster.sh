#!/usr/bin/env bash
# Runs a one-node Slurm cluster on this machine (lib/one-node-cluster.sh), to try the chain without a real one:
#   bash pipelines/slurm/local-cluster.sh DIR &
#   export SLURM_CONF=DIR/slurm/slurm.conf; WORK=/tmp/chain bash pipelines/slurm/submit.sh
# Installs Slurm from Debian's packages if missing (root). Ctrl-C or SIGTERM cancels its jobs and stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/one-node-cluster.sh"
dir="${1:?usage: local-cluster.sh DIR}"
cluster_install
trap cluster_stop EXIT
trap 'exit 0' INT TERM
cluster_start "$dir"
echo "cluster: running until Ctrl-C or SIGTERM; submit with SLURM_CONF=$SLURM_CONF"
wait
