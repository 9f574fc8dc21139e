#!/usr/bin/env bash
# Does the teacher help? General distillation (KD ce at T = 8 + hidden-state matches 0↔0, 3↔1, 6↔2,
# configs/distill-L2.json, hard-label weight 0) against the same 2-layer student trained by `train` on the labels
# alone, both started from layers 0 and 3 of the pre-trained MiniLM (as TextBrewer starts from pre-trained BERT),
# lr 1e-4, the same steps and the best dev checkpoint of each. The teacher (MiniLM fine-tuned on the Pang & Lee
# polarity sentences) is cached once over the training sentences, and once over them and two noisy copies of each
# (words dropped and swapped, `augment`) for a second pair: distilled on three times the text for about as many
# steps (the copies' inherited labels are never read), and the control, trained alone on that text with them.
# Usage: general-vs-student.sh [--small]   --small: 400 training and 150 dev sentences (minutes)
# Outputs under pipelines/.runs/general-vs-student[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=general-vs-student
TASK=classification
data="$repo/pipelines/.data/polarity"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/general-vs-student-small}"
    slice "$data/train.csv" 401 "$data/dev.csv" 151
    TEACHER_ARGS=(--epochs 2 --lr 1e-4 --batch-size 32)
    LABELLED_ARGS=(--epochs 3 --lr 1e-4 --batch-size 32)
    NOISY_ARGS=(--epochs 1 --lr 1e-4 --batch-size 32) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/general-vs-student}"
    TRAIN="$data/train.csv" DEV="$data/dev.csv"
    TEACHER_ARGS=(--epochs 3 --lr 5e-5 --batch-size 32)
    LABELLED_ARGS=(--epochs 10 --lr 1e-4 --batch-size 32)
    NOISY_ARGS=(--epochs 3 --lr 1e-4 --batch-size 32) ;;
  *) echo "usage: general-vs-student.sh [--small]" >&2; exit 2 ;;
esac
DATA_ARGS=(--max-seq-length 64)

noisy="$RUNS/data/train-noise2.jsonl"

import_minilm
train_teacher teacher 42
init_student minilm student-init
train_student student-init student-alone "${LABELLED_ARGS[@]}"
cache_teacher teacher cache --config "$DISTILL_CONFIG"
DISTILL_ARGS=("${LABELLED_ARGS[@]}")
distill_student student-init student-distilled "$DISTILL_CONFIG" cache
augment 2 train-noise2
TRAIN="$noisy" cache_teacher teacher cache-noise2 --config "$DISTILL_CONFIG"
DISTILL_ARGS=("${NOISY_ARGS[@]}")
TRAIN="$noisy" distill_student student-init student-distilled-noise2 "$DISTILL_CONFIG" cache-noise2
TRAIN="$noisy" train_student student-init student-alone-noise2 "${NOISY_ARGS[@]}"
evaluate teacher student-alone student-distilled student-distilled-noise2 student-alone-noise2
