#!/usr/bin/env bash
# A student with its own, smaller vocabulary beside one with the teacher's: MiniLM fine-tuned on the UCI sentiment
# sentences → cached once (logits) → a vocabulary of the teacher pieces the data uses (build-vocab) → two 2-layer
# students from teacher layers 0 and 3, one with the teacher's 30,522 pieces and one with its own → both distilled
# from the same cache with KD on the logits (hidden-state matches also carry across, aligned by character offsets: README) → evaluated, sizes shown.
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

import_minilm
train_teacher teacher 42
cache_teacher teacher cache
init_student teacher student-teacher-vocab-init
distill_student student-teacher-vocab-init student-teacher-vocab "$DISTILL_CONFIG" cache
own_vocabulary_student teacher cache "$VOCAB_SIZE" student-own-vocab "$DISTILL_CONFIG"
evaluate teacher student-teacher-vocab student-own-vocab
