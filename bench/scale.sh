#!/usr/bin/env bash
# A cache K+1 times polarity's size against the 3,200-row one (issue 20 §4): polarity's train.csv plus K noisy copies of
# each sentence (`distill-student augment --copies K`), cached by a fine-tuned MiniLM teacher with hidden layers
# 0,3,6 in fp16 at 64 tokens. For both sizes it prints:
#   forward   the teacher's forward alone: cache-teacher run keeping the logits only (its writer writes ~1 % of the bytes)
#   cache     cache-teacher run with the layers: rows/s and MB/s of shard bytes, and its time / the forward's
#   verify    cache-teacher verify (every checksum, row and identity)
#   reader    the reader alone, one reading thread, MB/s of shard bytes: the first pass (hashing every shard) and a
#             later one (shards verified), each in a fresh process (cache-bench reader-measure)
#   distill   distill-student distill from the cache, STEPS steps of batch 32, the 2-layer student from layers 0,3
#             (pipelines/configs/distill-L2.json): seconds per step, peak RSS, and the time the loop waited for
#             batches (from its own log line: in all, and for the batches after each epoch's first, which opens the
#             cache; the next batch is built during the step only where a core is left over, PrefetchesByDefault)
# and the ratios big / 3,200 rows (goals: RSS <= 1.1x, step unchanged, waiting < 2 % of the step).
# Usage: scale.sh [--copies K] [--base-rows N] [--teacher DIR] [--steps N] [--bf16] [--out DIR]
#   defaults: K = 3 (12,800 rows, ~1.4 GB of shards); the full size is --copies 31 (102,400 rows, ~15 GB; disk!);
#   --bf16: the teacher's forward in bf16 (cache-teacher run --bf16), forward alone and caching alike;
#   --base-rows N: the first N sentences instead of all 3,200 (a smoke run: --base-rows 200 --copies 3 --steps 4);
#   --teacher a fine-tuned polarity teacher's best/ (default pipelines/.runs/recipe/teacher/best, which
#   bench/recipe-vs-textbrewer.sh fine-tunes); --steps 40; OUT pipelines/.runs/scale. BIN and THREADS as in
#   pipelines/lib/chain.sh; CACHE_BENCH (default: bench/CacheBench's Release build, run with dotnet).
# The caches are kept under OUT (delete them when done: they are large); a rerun remakes every timed output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../pipelines/lib/chain.sh"
NAME=scale
TASK=classification
usage="usage: scale.sh [--copies K] [--base-rows N] [--teacher DIR] [--steps N] [--bf16] [--out DIR]"
precision=()
copies=3 base_rows=3200 teacher="$repo/pipelines/.runs/recipe/teacher/best" steps=40 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --copies) copies="$2"; shift 2 ;;
    --base-rows) base_rows="$2"; shift 2 ;;
    --bf16) precision=(--bf16); shift ;;
    --teacher) teacher="$(realpath "$2")"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ -s "$teacher/model.safetensors" ] || { echo "scale: no teacher at $teacher (run bench/recipe-vs-textbrewer.sh first, or give --teacher DIR)" >&2; exit 2; }
cache_bench="${CACHE_BENCH:-dotnet $repo/bench/CacheBench/bin/Release/net10.0/cache-bench.dll}"
RUNS="${out:-$repo/pipelines/.runs/scale}"
mkdir -p "$RUNS"
RUNS="$(cd "$RUNS" && pwd)"
mkdir -p "$RUNS/data"
TRAIN="$RUNS/data/polarity-$base_rows.csv"
head -n "$((base_rows + 1))" "$repo/pipelines/.data/polarity/train.csv" > "$TRAIN"
DATA_ARGS=(--max-seq-length 64)
name="polarity-$base_rows-x$((copies + 1))"
augment "$copies" "$name"
big="$RUNS/data/$name.jsonl"
[ -s "$RUNS/student-init/config.json" ] || "$bin/distill-student" init-student --teacher "$teacher" --layers 0,3 --out "$RUNS/student-init"
echo "{\"num_steps\": $steps}" > "$RUNS/steps.json"

# timed NAME COMMAND...: runs it (output in RUNS/NAME.log) and sets wall, cpu (user + sys) and rss (peak, MB)
timed() {
  local name="$1" t
  shift
  echo "scale: $name ($(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -o "$RUNS/$name.time" -f "%e %U %S %M" "$@" > "$RUNS/$name.log" 2>&1 \
    || { echo "scale: $name failed; see $RUNS/$name.log" >&2; tail -5 "$RUNS/$name.log" >&2; exit 1; }
  read -r wall user system rss < "$RUNS/$name.time"
  cpu="$(echo "$user + $system" | bc)" rss="$((rss / 1024))"
}
shard_mb() { du -cb "$1"/part-*.parquet | tail -1 | awk '{printf "%.1f", $1 / 1e6}'; }

declare -A result
for size in base big; do
  if [ "$size" = base ]; then data="$TRAIN" rows="$base_rows"; else data="$big" rows="$(wc -l < "$big")"; fi
  rm -rf "${RUNS:?}/forward-$size" "${RUNS:?}/cache-$size" "${RUNS:?}/distill-$size"
  timed "forward-$size" "$bin/cache-teacher" run --model "$teacher" --task "$TASK" --data "$data" --out "$RUNS/forward-$size" \
    --threads "$threads" "${DATA_ARGS[@]}" "${precision[@]}"
  forward="$wall" forward_cpu="$cpu"
  rm -rf "${RUNS:?}/forward-$size"
  timed "cache-$size" "$bin/cache-teacher" run --model "$teacher" --task "$TASK" --data "$data" --out "$RUNS/cache-$size" \
    --hidden-layers 0,3,6 --dtype fp16 --threads "$threads" "${DATA_ARGS[@]}" "${precision[@]}"
  mb="$(shard_mb "$RUNS/cache-$size")"
  echo "$size: $rows rows, $mb MB of shards; teacher forward alone $forward s, CPU $forward_cpu s ($(echo "scale=1; $rows / $forward" | bc) rows/s);" \
    "cache-teacher run $wall s, CPU $cpu s ($(echo "scale=1; $rows / $wall" | bc) rows/s, $(echo "scale=1; $mb / $wall" | bc) MB/s;" \
    "$(echo "scale=3; $wall / $forward" | bc)x the forward's wall time, $(echo "scale=3; $cpu / $forward_cpu" | bc)x its CPU time)"
  timed "verify-$size" "$bin/cache-teacher" verify "$RUNS/cache-$size" --data "$data" --model "$teacher"
  echo "$size: verify $wall s (CPU $cpu s, $(echo "scale=0; $mb / $wall" | bc) MB/s)"
  for pass in read read-verified; do
    timed "reader-$pass-$size" $cache_bench reader-measure "$pass" "$RUNS/cache-$size"
    echo "$size: reader, $pass: $(cat "$RUNS/reader-$pass-$size.log")"
  done
  timed "distill-$size" "$bin/distill-student" distill --student "$RUNS/student-init" --cache "$RUNS/cache-$size" \
    --distill-config "$repo/pipelines/configs/distill-L2.json" --training-config "$RUNS/steps.json" --task "$TASK" --train "$data" \
    --out "$RUNS/distill-$size" --seed 42 --threads "$threads" --batch-size 32 --lr 1e-4 "${DATA_ARGS[@]}"
  # "train: waited W s for batches, P % of the loop's L s (...)": the loop's seconds over the steps (start-up left out)
  waited="$(grep -o 'waited .*' "$RUNS/distill-$size.log" | tail -1)"
  loop="$(echo "$waited" | sed -n "s/.*of the loop's \([0-9.]*\) s.*/\1/p")"
  step="$(echo "scale=3; $loop / $steps" | bc)"
  echo "$size: distill $steps steps: $step s per step in the loop ($wall s with start-up), CPU $cpu s, peak RSS $rss MB; $waited"
  result[$size]="$step $rss"
  rm -rf "${RUNS:?}/distill-$size"
done
read -r base_step base_rss <<< "${result[base]}"
read -r big_step big_rss <<< "${result[big]}"
echo "big / base: distill step $(echo "scale=3; $big_step / $base_step" | bc)x (goal ~1), peak RSS $(echo "scale=3; $big_rss / $base_rss" | bc)x (goal <= 1.1)"
