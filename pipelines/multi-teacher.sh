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

import_minilm
caches=()
for seed in "${seeds[@]}"; do
  train_teacher "teacher-$seed" "$seed"
  # The first teacher's cache holds the layers the matches read; the others' hold logits only.
  layers=()
  [ ${#caches[@]} -eq 0 ] && layers=(--config "$DISTILL_CONFIG")
  cache_teacher "teacher-$seed" "cache-$seed" "${layers[@]}"
  caches+=("cache-$seed")
done
init_student "teacher-${seeds[0]}" student-init
distill_student student-init student "$DISTILL_CONFIG" "${caches[@]}"
evaluate "${seeds[@]/#/teacher-}" student
