#!/usr/bin/env bash
# POS tagging on the OANC sentences: MiniLM teacher fine-tuned → cached → 2-layer student (teacher layers 0 and 3)
# distilled from the cache (KD on token logits + hidden-state matches) → teacher and student evaluated on dev.
# Usage: pos.sh [--small]   --small: 300 training and 100 dev sentences, 64 tokens, fewer epochs (minutes)
# Outputs under pipelines/.runs/pos[-small] (RUNS overrides); other settings: lib/chain.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=pos
TASK=tagging
data="$repo/pipelines/.data/pos"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/pos-small}"
    slice "$data/train.txt" 300 "$data/dev.txt" 100
    DATA_ARGS=(--max-seq-length 64)
    TEACHER_ARGS=(--epochs 2 --lr 2e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 4 --lr 3e-4 --batch-size 32) ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/pos}"
    TRAIN="$data/train.txt" DEV="$data/dev.txt"
    # OANC sentences run long: 64 tokens would cut 2 % of the dev words, which then count as wrong.
    DATA_ARGS=(--max-seq-length 128)
    TEACHER_ARGS=(--epochs 3 --lr 2e-4 --batch-size 32)
    DISTILL_ARGS=(--epochs 10 --lr 3e-4 --batch-size 32) ;;
  *) echo "usage: pos.sh [--small]" >&2; exit 2 ;;
esac
chain
