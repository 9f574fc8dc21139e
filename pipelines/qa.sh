#!/usr/bin/env bash
# Extractive QA on our SQuAD v1.1-format fixtures (pipelines/fixtures/qa, 140 training and 46 dev questions):
# MiniLM teacher fine-tuned → cached (start/end logits per context window) → 2-layer student (teacher layers 0
# and 3) distilled from the cache → teacher and student evaluated on dev (exact match and F1).
# Usage: qa.sh [--small]   --small: fewer epochs (minutes)
# Outputs under pipelines/.runs/qa[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=qa
TASK=qa
TRAIN="$repo/pipelines/fixtures/qa/train.json"
DEV="$repo/pipelines/fixtures/qa/dev.json"
DATA_ARGS=(--max-seq-length 128 --max-query-length 32 --doc-stride 48)
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/qa-small}"
    TEACHER_ARGS=(--epochs 3 --lr 1e-4 --batch-size 16)
    DISTILL_ARGS=(--epochs 4 --lr 3e-4 --batch-size 16) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/qa}"
    TEACHER_ARGS=(--epochs 6 --lr 1e-4 --batch-size 16)
    DISTILL_ARGS=(--epochs 12 --lr 3e-4 --batch-size 16) ;;
  *) echo "usage: qa.sh [--small]" >&2; exit 2 ;;
esac
chain
