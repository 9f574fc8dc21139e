#!/usr/bin/env bash
# Crash test of cache-teacher: kill -9 a run at random moments, rerun the same command, and check that the
# finished cache has exactly the shards (same rows, same bytes: SHA-256) of an uninterrupted run and passes verify.
# Usage: cache-kill-test.sh [TEACHER_DIR] [DATA_FILE] [TRIALS]
# Environment: BIN (folder of cache-teacher), WORK (scratch folder, emptied first), LAYERS (--hidden-layers),
# ROWS_PER_SHARD, MAX_SEQ_LENGTH (at most the teacher's max_position_embeddings); the test suite runs a short form on a tiny teacher (tests/.../CacheKillTests.cs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BIN:-$root/artifacts/bin}"
teacher="${1:-$root/pipelines/.runs/teachers/sentiment/best}"
data="${2:-$root/pipelines/.data/sentiment/dev.jsonl}"
trials="${3:-20}"
work="${WORK:-$root/pipelines/.runs/kill-test}"
rm -rf "$work" && mkdir -p "$work"

args=(--model "$teacher" --task classification --data "$data" --hidden-layers "${LAYERS:-0,2,4,6}" --rows-per-shard "${ROWS_PER_SHARD:-50}" --batch-size 16 --threads 1 --max-seq-length "${MAX_SEQ_LENGTH:-128}")
run() { "$bin/cache-teacher" run "${args[@]}" --out "$1"; }
shards() { grep -o '"sha256": "[0-9a-f]*"' "$1/manifest.json"; }

start=$(date +%s.%N)
run "$work/reference" > "$work/reference.log"
duration=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "kill-test: uninterrupted run took ${duration} s; $(shards "$work/reference" | wc -l) shards"

RANDOM=20261128
passed=0
for trial in $(seq 1 "$trials"); do
  dir="$work/trial-$trial"
  delay=$(awk -v r="$RANDOM" -v d="$duration" 'BEGIN { printf "%.2f", (r % 1000) / 1000 * d }')
  # The executable itself goes to the background (not a shell function), so kill -9 hits it.
  "$bin/cache-teacher" run "${args[@]}" --out "$dir" > "$dir.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  killed_with=$(ls "$dir" 2>/dev/null | grep -c '^part-' || true)
  run "$dir" >> "$dir.log" 2>&1
  if diff <(shards "$work/reference") <(shards "$dir") > /dev/null && "$bin/cache-teacher" verify "$dir" > /dev/null; then
    passed=$((passed + 1))
    echo "kill-test: trial $trial killed after ${delay} s with $killed_with shards on disk: identical after rerun"
  else
    echo "kill-test: trial $trial killed after ${delay} s: DIFFERENT from the uninterrupted run (see $dir.log)"
  fi
done
echo "kill-test: $passed of $trials trials identical to the uninterrupted run"
[ "$passed" -eq "$trials" ]
