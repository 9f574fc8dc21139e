#!/usr/bin/env bash
# Two teachers, one student (MultiTeacher): MiniLM fine-tuned twice on the UCI sentiment sentences with different
# seeds → each cached once → a 2-layer student (layers 0 and 3 of the first) distilled from both caches at once
# (KD on the mean of their logits, hidden-state matches on the first teacher) → teachers and student evaluated.
# Usage: multi-teacher.sh [--small]   --small: 400 training and 150 dev sentences, fewer epochs (minutes)
# Outputs under pipelines/.runs/multi-teacher[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
# Temperature 2, as the quickstart: at 8 the student learns little from a few hundred sentences.
DISTILL_CONFIG="${DISTILL_CONFIG:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/configs/distill-L2-T2.json}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=multi-teacher
TASK=classification
data="$repo/pipelines/.data/sentiment"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/multi-teacher-small}"
    slice "$data/train.jsonl" 400 "$data/dev.jsonl" 150
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 3 --lr 3e-4 --batch-size 32) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/multi-teacher}"
    TRAIN="$data/train.jsonl" DEV="$data/dev.jsonl"
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 4 --lr 2e-4 --batch-size 32) ;;
  *) echo "usage: multi-teacher.sh [--small]" >&2; exit 2 ;;
esac
DATA_ARGS=(--max-seq-length 64)
seeds=(42 7)

mkdir -p "$RUNS"
[ -s "$RUNS/minilm/model.safetensors" ] || "$bin/distill-student" import-onnx --onnx "$minilm/model.onnx" \
  --vocab "$minilm/vocab.txt" --out "$RUNS/minilm" --threads "$threads"
caches=()
for seed in "${seeds[@]}"; do
  stage "teacher-$seed: fine-tuning MiniLM (seed $seed) on $TRAIN"
  "$bin/distill-student" train --task "$TASK" --model "$RUNS/minilm" --train "$TRAIN" --dev "$DEV" \
    --out "$RUNS/teacher-$seed" --seed "$seed" --threads "$threads" "${DATA_ARGS[@]}" "${TEACHER_ARGS[@]}"
  # The first teacher's cache holds the layers the matches read; the others' hold logits only.
  layers=()
  [ ${#caches[@]} -eq 0 ] && layers=(--config "$DISTILL_CONFIG")
  stage "cache-$seed: running teacher-$seed once over $TRAIN"
  "$bin/cache-teacher" run --model "$RUNS/teacher-$seed/best" --task "$TASK" --data "$TRAIN" --out "$RUNS/cache-$seed" \
    "${layers[@]}" --threads "$threads" "${DATA_ARGS[@]}"
  "$bin/cache-teacher" verify "$RUNS/cache-$seed" --data "$TRAIN" --model "$RUNS/teacher-$seed/best"
  caches+=(--cache "$RUNS/cache-$seed")
done

stage "student: layers $STUDENT_LAYERS of teacher-${seeds[0]}, distilled from ${#seeds[@]} caches"
[ -s "$RUNS/student-init/config.json" ] || "$bin/distill-student" init-student --teacher "$RUNS/teacher-${seeds[0]}/best" \
  --layers "$STUDENT_LAYERS" --out "$RUNS/student-init"
"$bin/distill-student" distill --student "$RUNS/student-init" "${caches[@]}" --distill-config "$DISTILL_CONFIG" \
  --task "$TASK" --train "$TRAIN" --dev "$DEV" --out "$RUNS/student" --seed 42 --threads "$threads" \
  "${DATA_ARGS[@]}" "${DISTILL_ARGS[@]}"

for model in "${seeds[@]/#/teacher-}" student; do
  [ "$RUNS/$model/dev-eval/metrics.json" -nt "$RUNS/$model/best/model.safetensors" ] || "$bin/distill-student" eval \
    --task "$TASK" --model "$RUNS/$model/best" --data "$DEV" --out "$RUNS/$model/dev-eval" --threads "$threads" \
    "${DATA_ARGS[@]}" > /dev/null
  stage "$model on dev: $(cat "$RUNS/$model/dev-eval/metrics.json")"
done
