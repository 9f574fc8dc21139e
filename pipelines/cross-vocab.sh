#!/usr/bin/env bash
# A student with its own, smaller vocabulary beside one with the teacher's: MiniLM fine-tuned on the UCI sentiment
# sentences → cached once (logits) → a vocabulary of the teacher pieces the data uses (build-vocab) → two 2-layer
# students from teacher layers 0 and 3, one with the teacher's 30,522 pieces and one with its own → both distilled
# from the same cache with KD on the logits (the only targets that carry across vocabularies) → evaluated, sizes shown.
# Usage: cross-vocab.sh [--small]   --small: 400 training and 150 dev sentences, fewer epochs (minutes)
# Outputs under pipelines/.runs/cross-vocab[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
DISTILL_CONFIG="${DISTILL_CONFIG:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/configs/kd-T2.json}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=cross-vocab
TASK=classification
data="$repo/pipelines/.data/sentiment"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/cross-vocab-small}"
    slice "$data/train.jsonl" 400 "$data/dev.jsonl" 150
    VOCAB_SIZE="${VOCAB_SIZE:-2000}"
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 3 --lr 3e-4 --batch-size 32) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/cross-vocab}"
    TRAIN="$data/train.jsonl" DEV="$data/dev.jsonl"
    VOCAB_SIZE="${VOCAB_SIZE:-4000}"
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 4 --lr 2e-4 --batch-size 32) ;;
  *) echo "usage: cross-vocab.sh [--small]" >&2; exit 2 ;;
esac
DATA_ARGS=(--max-seq-length 64)

mkdir -p "$RUNS"
[ -s "$RUNS/minilm/model.safetensors" ] || "$bin/distill-student" import-onnx --onnx "$minilm/model.onnx" \
  --vocab "$minilm/vocab.txt" --out "$RUNS/minilm" --threads "$threads"
stage "teacher: fine-tuning MiniLM on $TRAIN"
"$bin/distill-student" train --task "$TASK" --model "$RUNS/minilm" --train "$TRAIN" --dev "$DEV" --out "$RUNS/teacher" \
  --seed 42 --threads "$threads" "${DATA_ARGS[@]}" "${TEACHER_ARGS[@]}"
stage "cache: running the teacher once over $TRAIN (logits)"
"$bin/cache-teacher" run --model "$RUNS/teacher/best" --task "$TASK" --data "$TRAIN" --out "$RUNS/cache" \
  --threads "$threads" "${DATA_ARGS[@]}"
"$bin/cache-teacher" verify "$RUNS/cache" --data "$TRAIN" --model "$RUNS/teacher/best"

stage "vocabulary: the $VOCAB_SIZE teacher pieces the data uses most"
[ -s "$RUNS/vocab.txt" ] || "$bin/distill-student" build-vocab --teacher "$RUNS/teacher/best" --data "$TRAIN" \
  --size "$VOCAB_SIZE" --out "$RUNS/vocab.txt"
for student in student-teacher-vocab student-own-vocab; do
  vocab=()
  [ "$student" = student-own-vocab ] && vocab=(--vocab "$RUNS/vocab.txt")
  [ -s "$RUNS/$student-init/config.json" ] || "$bin/distill-student" init-student --teacher "$RUNS/teacher/best" \
    --layers "$STUDENT_LAYERS" "${vocab[@]}" --out "$RUNS/$student-init"
  stage "$student: distilled from the cache"
  "$bin/distill-student" distill --student "$RUNS/$student-init" --cache "$RUNS/cache" --distill-config "$DISTILL_CONFIG" \
    --task "$TASK" --train "$TRAIN" --dev "$DEV" --out "$RUNS/$student" --seed 42 --threads "$threads" \
    "${DATA_ARGS[@]}" "${DISTILL_ARGS[@]}"
done

for model in teacher student-teacher-vocab student-own-vocab; do
  [ "$RUNS/$model/dev-eval/metrics.json" -nt "$RUNS/$model/best/model.safetensors" ] || "$bin/distill-student" eval \
    --task "$TASK" --model "$RUNS/$model/best" --data "$DEV" --out "$RUNS/$model/dev-eval" --threads "$threads" \
    "${DATA_ARGS[@]}" > /dev/null
  stage "$model on dev: $(cat "$RUNS/$model/dev-eval/metrics.json"), model.safetensors $(du -h "$RUNS/$model/best/model.safetensors" | cut -f1)"
done
