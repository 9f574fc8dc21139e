#!/usr/bin/env bash
# Sample (d) at size: does a word-level student with its own vocabulary learn from a WordPiece teacher's cache?
# MiniLM fine-tuned on the Pang & Lee polarity sentences → cached once over the training sentences (logits) →
# samples/WordLevelStudent: a BiGRU over a word vocabulary built from the training sentences, trained on the labels
# alone and distilled from the cache (KD at T = 2 plus the labels), same initial weights and steps; it prints both
# dev accuracies (best checkpoint of each).
# Usage: word-level-student.sh [--small]   --small: 400 training and 150 dev sentences, fewer epochs (minutes)
# Outputs under pipelines/.runs/word-level-student[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=word-level-student
TASK=classification
data="$repo/pipelines/.data/polarity"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/word-level-student-small}"
    slice "$data/train.csv" 401 "$data/dev.csv" 151
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    STUDENT_EPOCHS=10 ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/word-level-student}"
    TRAIN="$data/train.csv" DEV="$data/dev.csv"
    TEACHER_ARGS=(--epochs 3 --lr 5e-5 --batch-size 32)
    STUDENT_EPOCHS=20 ;;
  *) echo "usage: word-level-student.sh [--small]" >&2; exit 2 ;;
esac
DATA_ARGS=(--max-seq-length 64)

import_minilm
train_teacher teacher 42
cache_teacher teacher cache
stage "word-level: the BiGRU student alone and distilled from the cache"
dotnet run --project "$repo/samples/WordLevelStudent" -c Release --no-launch-profile -- \
  "$RUNS/cache" "$TRAIN" "$DEV" "$RUNS/word-level" "$STUDENT_EPOCHS" 64 | tee "$RUNS/word-level.txt"
