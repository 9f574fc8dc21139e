#!/usr/bin/env bash
# Fine-tunes the real MiniLM teacher (BasicTrainer) on every real data set and evaluates each best checkpoint:
# UCI sentiment, Pang & Lee polarity, OANC POS tags, and the QA fixtures. Rerunning resumes unfinished runs
# and skips finished ones. Runs go under pipelines/.runs/teachers (ignored); THREADS sets CPU threads (default 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin="$root/artifacts/bin"
runs="$root/pipelines/.runs/teachers"
threads="${THREADS:-1}"

bash pipelines/fetch-assets.sh
bash scripts/build.sh
[ -s "$runs/minilm/model.safetensors" ] || "$bin/distill-student" import-onnx --onnx pipelines/.assets/minilm/model.onnx \
  --vocab pipelines/.assets/minilm/vocab.txt --out "$runs/minilm" --threads "$threads"

train() { # name task train dev extra...
  local name="$1" task="$2" train="$3" dev="$4"; shift 4
  local start=$SECONDS
  "$bin/distill-student" train --task "$task" --model "$runs/minilm" --train "$train" --dev "$dev" \
    --out "$runs/$name" --seed 42 --threads "$threads" "$@"
  echo "teachers: $name trained in $((SECONDS - start)) s"
  "$bin/distill-student" eval --task "$task" --model "$runs/$name/best" --data "$dev" \
    --out "$runs/$name/dev-eval" --threads "$threads" "${EVAL_EXTRA[@]}"
}

EVAL_EXTRA=(--max-seq-length 64)
train sentiment classification pipelines/.data/sentiment/train.jsonl pipelines/.data/sentiment/dev.jsonl \
  --epochs 3 --lr 5e-5 --batch-size 32 --max-seq-length 64
train polarity classification pipelines/.data/polarity/train.csv pipelines/.data/polarity/dev.csv \
  --epochs 3 --lr 5e-5 --batch-size 32 --max-seq-length 64
# OANC sentences run long: 64 tokens cut 2 % of the dev words, which then count as wrong.
EVAL_EXTRA=(--max-seq-length 128)
train pos tagging pipelines/.data/pos/train.txt pipelines/.data/pos/dev.txt \
  --epochs 3 --lr 2e-4 --batch-size 32 --max-seq-length 128
EVAL_EXTRA=(--max-seq-length 128 --max-query-length 32 --doc-stride 48)
train qa qa pipelines/fixtures/qa/train.json pipelines/fixtures/qa/dev.json \
  --epochs 6 --lr 1e-4 --batch-size 16 --max-seq-length 128 --max-query-length 32 --doc-stride 48
