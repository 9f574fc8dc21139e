#!/usr/bin/env bash
# Runs the Slurm chain (submit.sh) on a real one-node Slurm cluster made on this machine, and checks the result:
#   1. installs slurmctld, slurmd and munge from Debian's packages if missing (as root; apt-get update first)
#   2. starts a private one-node cluster under WORK (lib/one-node-cluster.sh)
#   3. fine-tunes a small teacher from the real MiniLM on 300 polarity rows (1 epoch, 32 tokens), outside Slurm
#   4. submits the chain with 3 cache shards while task 1 cannot run (its job lock is held): the jobs after the
#      array must be cancelled; then submits it again and checks that tasks 0 and 2 kept their shards, every job
#      completed, the merged cache verifies and equals a single-process cache shard for shard (SHA-256 of each
#      part file), and the distillation job wrote a student
#   5. stops the daemons it started (also on failure)
# Usage: test-local-cluster.sh BIN WORK   (BIN holds cache-teacher, distill-student, export-onnx; WORK is emptied)
# Exit: 0 passed, 1 failed, 77 skipped (the reason on a line starting "slurm-test: skip:").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="$(cd "${1:?usage: test-local-cluster.sh BIN WORK}" && pwd)"
work="${2:?usage: test-local-cluster.sh BIN WORK}"
skip() { echo "slurm-test: skip: $*"; exit 77; }
fail() { echo "slurm-test: FAILED: $*"; exit 1; }
say() { echo "slurm-test: $* ($SECONDS s)"; }

minilm="$repo/pipelines/.assets/minilm"
polarity="$repo/pipelines/.data/polarity"
[ -s "$minilm/model.onnx" ] || skip "the real MiniLM is not at $minilm; run pipelines/fetch-assets.sh"
[ -s "$polarity/train.csv" ] || skip "the polarity data is not at $polarity; run pipelines/fetch-assets.sh"
[ "$(id -u)" -eq 0 ] || skip "slurmd and munged must run as root to start jobs, and this is uid $(id -u)"
source "$here/lib/one-node-cluster.sh"

# One cluster at a time on this machine: the ports and the package install are shared.
exec 9> /tmp/distill-slurm-test.lock
flock -w 600 9 || fail "another run of this test held /tmp/distill-slurm-test.lock for 10 minutes"
installed="$(cluster_install 2>&1)" || skip "$(echo "$installed" | tail -n 1)"
[ -z "$installed" ] || echo "$installed"
say "$(slurmctld -V)"

rm -rf "$work"
mkdir -p "$work/data"
work="$(cd "$work" && pwd)"
trap cluster_stop EXIT
cluster_start "$work/cluster" || fail "the one-node cluster did not start"
say "cluster up"

# Real data, small: 300 training rows, 100 dev rows.
head -n 301 "$polarity/train.csv" > "$work/data/train.csv"
head -n 101 "$polarity/dev.csv" > "$work/data/dev.csv"
"$bin/distill-student" import-onnx --onnx "$minilm/model.onnx" --vocab "$minilm/vocab.txt" --out "$work/minilm" --threads 1 > "$work/teacher.log"
"$bin/distill-student" train --task classification --model "$work/minilm" --train "$work/data/train.csv" --dev "$work/data/dev.csv" \
  --out "$work/teacher" --epochs 1 --lr 5e-5 --batch-size 32 --max-seq-length 32 --seed 42 --threads 1 >> "$work/teacher.log"
say "teacher fine-tuned"

export BIN="$bin" TEACHER="$work/teacher/best" TRAIN="$work/data/train.csv" DEV="$work/data/dev.csv" WORK="$work/run" \
  NUM_SHARDS=3 ROWS_PER_SHARD=50 MAX_SEQ_LENGTH=32 EPOCHS=1 THREADS=1 CACHE_TIME=00:10:00 DISTILL_TIME=00:10:00
source "$here/settings.sh"
# Submits the chain and waits until none of its jobs is queued or running; sets job_ids and states.
submit_and_wait() {
  local submitted
  submitted="$(bash "$here/submit.sh")"
  echo "$submitted" | sed 's/^/slurm-test: submitted /'
  mapfile -t job_ids < <(echo "$submitted" | awk '{ print $2 }')
  local deadline=$((SECONDS + 600))
  while [ -n "$(squeue -h -j "$(IFS=,; echo "${job_ids[*]}")" 2> /dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "the chain did not finish in 10 minutes: $(squeue 2>&1)"
    sleep 1
  done
  # One state per job and per array task, in submission order: cache tasks, merge, distill, export.
  local tasks=()
  for task in $(seq 0 $((NUM_SHARDS - 1))); do tasks+=("${job_ids[0]}_$task"); done
  states="$(for id in "${tasks[@]}" "${job_ids[@]:1}"; do scontrol -o show job "$id"; done | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | tr '\n' ' ')"
  say "chain ended: ${states% }"
}

# First a failed shard: task 1 cannot take its job's lock (another "run" holds it), so it fails at once; the
# jobs after the array must then be cancelled (kill_invalid_depend), not left pending or run on a partial cache.
mkdir -p "$CACHE"
exec 8> "$CACHE/.lock-00001-of-00003"
flock -n 8
submit_and_wait
[ "$states" = "COMPLETED FAILED COMPLETED CANCELLED CANCELLED CANCELLED " ] \
  || fail "with task 1 failing, expected COMPLETED FAILED COMPLETED CANCELLED CANCELLED CANCELLED, found $states"
[ ! -e "$CACHE/manifest.json" ] || fail "a merged manifest appeared although task 1 failed"

# Recovery: the cause gone, the same submission again; tasks 0 and 2 keep their shards, task 1 does its work.
exec 8>&-
submit_and_wait
[ "$states" = "COMPLETED COMPLETED COMPLETED COMPLETED COMPLETED COMPLETED " ] \
  || { tail -n 20 "$LOGS"/*.out; fail "after resubmitting, expected every job COMPLETED, found $states"; }
for task in 0 2; do
  grep -q "0 shards written (0 rows" "$LOGS/distill-cache-${job_ids[0]}_$task.out" \
    || fail "resubmitted task $task redid work: $(tail -n 1 "$LOGS/distill-cache-${job_ids[0]}_$task.out")"
done
say "a failed shard stopped the chain; resubmitting redid only that shard and finished it"

cache="$CACHE"
"$bin/cache-teacher" verify "$cache" --data "$work/data/train.csv" --model "$work/teacher/best" > "$work/verify.log" \
  || fail "the merged cache does not verify: $(cat "$work/verify.log")"
"$bin/cache-teacher" run --model "$work/teacher/best" --task classification --data "$work/data/train.csv" --out "$work/single" \
  --config "$here/../configs/distill-L2.json" --max-seq-length 32 --batch-size 32 --rows-per-shard 50 --threads 1 > "$work/single.log"
checksums() { (cd "$1" && sha256sum part-*.parquet); }
checksums "$cache" > "$work/sharded.sha256"
checksums "$work/single" > "$work/single.sha256"
diff "$work/single.sha256" "$work/sharded.sha256" > /dev/null \
  || fail "the merged cache differs from a single-process cache: $(diff "$work/single.sha256" "$work/sharded.sha256")"
say "merged cache verifies and equals the single-process cache: $(wc -l < "$work/single.sha256") shards, same SHA-256"

student="$STUDENT_RUN/best"
[ -s "$student/model.safetensors" ] && [ -s "$student/config.json" ] || fail "the distillation job wrote no student at $student"
[ -s "$ONNX" ] && [ -s "$(dirname "$ONNX")/vocab.txt" ] || fail "the export job wrote no ONNX model at $ONNX"
say "student written: $student ($(grep -h -o 'accuracy=[0-9.]*' "$LOGS"/distill-student-*.out | tail -n 1) on 100 dev rows); export: $(tail -n 1 "$LOGS"/distill-export-*.out)"
echo "slurm-test: passed"
