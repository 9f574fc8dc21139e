#!/usr/bin/env bash
# Runs the sharded cache on Kubernetes: the Indexed Job, then (Kubernetes has no dependency between Jobs) the
# merge Job once the first is Complete; stops at the first Job that fails. A rerun replaces both Jobs; the cache
# indexes keep their complete shards, so only missing work is redone.
# Usage: submit.sh [NAMESPACE]   Needs kubectl with a current context.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ns=(--namespace "${1:-default}")

run_job() { # name manifest
  kubectl "${ns[@]}" delete job "$1" --ignore-not-found --wait=true
  kubectl "${ns[@]}" create -f "$2"
  local state=""
  until [ -n "$state" ]; do
    sleep 10
    state="$(kubectl "${ns[@]}" get job "$1" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' | grep -oE 'Complete|Failed' || true)"
  done
  echo "submit: job $1: $state"
  [ "$state" = Complete ]
}

run_job distill-cache "$here/cache-job.yaml"
run_job distill-merge "$here/merge-job.yaml"
