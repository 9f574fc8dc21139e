#!/usr/bin/env bash
# Submits the distillation chain to Slurm, each job starting only when the one before succeeded (afterok):
#   cache-shard.sbatch  array of NUM_SHARDS tasks caching the teacher's outputs on TRAIN
#   merge.sbatch        merge the tasks' manifests and verify the cache
#   distill.sbatch      init-student, distill from the cache, evaluate on DEV
#   export.sbatch       export-onnx export (parity-checked)
# Usage: [VAR=value ...] submit.sh [FIRST_STAGE]   FIRST_STAGE: cache (default) | merge | distill | export
# Variables: settings.sh. Prints one line per job, "stage job_id", for scripts to wait on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/settings.sh"
first="${1:-cache}"
stages=(cache merge distill export)
case " ${stages[*]} " in *" $first "*) ;; *) echo "submit: unknown stage \"$first\" (expected one of: ${stages[*]})" >&2; exit 2 ;; esac
mkdir -p "$LOGS"

# shellcheck disable=SC2086 # SBATCH_EXTRA holds several options on purpose
common=(--parsable --export=ALL --cpus-per-task="$THREADS" $SBATCH_EXTRA)
after=()
started=false
for stage in "${stages[@]}"; do
  [ "$stage" = "$first" ] && started=true
  $started || continue
  case "$stage" in
    cache) args=(--array="0-$((NUM_SHARDS - 1))" --time="$CACHE_TIME" --output="$LOGS/%x-%A_%a.out" "$here/cache-shard.sbatch") ;;
    merge) args=(--time="$CACHE_TIME" --output="$LOGS/%x-%j.out" "$here/merge.sbatch") ;;
    distill) args=(--time="$DISTILL_TIME" --output="$LOGS/%x-%j.out" "$here/distill.sbatch") ;;
    export) args=(--time="$CACHE_TIME" --output="$LOGS/%x-%j.out" "$here/export.sbatch") ;;
  esac
  id="$(sbatch "${common[@]}" "${after[@]}" "${args[@]}")"
  id="${id%%;*}" # --parsable prints "id" or "id;cluster"
  echo "$stage $id"
  after=(--dependency="afterok:$id")
done
