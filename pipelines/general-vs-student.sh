#!/usr/bin/env bash
# Does the teacher help? General distillation (KD ce at T = 8 + hidden-state matches 0↔0, 3↔1, 6↔2,
# configs/distill-L2.json) against the same 2-layer student trained by `train` on the labels alone, both started from
# layers 0 and 3 of the pre-trained MiniLM (as TextBrewer starts from pre-trained BERT), lr 1e-4 and the best dev
# checkpoint of each. The teacher (MiniLM fine-tuned on the Pang & Lee polarity sentences) is cached once over the
# training sentences and two noisy copies of each (words dropped and swapped, `augment`): the student is distilled on
# three times the text for about as many steps, with hard-label weight 0, so the copies' inherited labels are never
# read; a control trains the student alone on that text, each copy with its source's label.
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
    ALONE_ARGS=(--epochs 3 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 1 --lr 1e-4 --batch-size 32) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/general-vs-student}"
    TRAIN="$data/train.csv" DEV="$data/dev.csv"
    TEACHER_ARGS=(--epochs 3 --lr 5e-5 --batch-size 32)
    ALONE_ARGS=(--epochs 10 --lr 1e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 3 --lr 1e-4 --batch-size 32) ;;
  *) echo "usage: general-vs-student.sh [--small]" >&2; exit 2 ;;
esac
DATA_ARGS=(--max-seq-length 64)

import_minilm
train_teacher teacher 42
init_student minilm student-init
train_student student-init student-alone "${ALONE_ARGS[@]}"
augment 2 train-noise2
TRAIN="$RUNS/data/train-noise2.jsonl" cache_teacher teacher cache-noise2 --config "$DISTILL_CONFIG"
TRAIN="$RUNS/data/train-noise2.jsonl" distill_student student-init student-distilled "$DISTILL_CONFIG" cache-noise2
# The control: the same text without the teacher, each copy with its source's label, for as many steps.
TRAIN="$RUNS/data/train-noise2.jsonl" train_student student-init student-alone-noise2 "${DISTILL_ARGS[@]}"
evaluate teacher student-alone student-distilled student-alone-noise2
