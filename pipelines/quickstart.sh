#!/usr/bin/env bash
# The quickstart: the whole chain on the embedded default (CPU), on real assets.
#   1. fetch the real teacher (all-MiniLM-L6-v2) and the UCI sentiment sentences
#   2. build the stage executables
#   3. import the ONNX teacher into a Hugging Face directory and check parity with ONNX Runtime
#   4. fine-tune it on the sentiment sentences (BasicTrainer) and evaluate the best checkpoint
#   5. run the fine-tuned teacher once over the training sentences into a verified cache (hidden layers 0,2,4,6, fp16)
#   6. make a 2-layer student from teacher layers 0 and 3, distil it from the cache (KD + hidden-state matches), evaluate it
# Everything goes under pipelines/.runs/quickstart (ignored). Rerunning resumes or reuses finished steps.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="$root/pipelines/.runs/quickstart"
bin="$root/artifacts/bin"
threads="${THREADS:-2}"

bash pipelines/fetch-assets.sh
bash scripts/build.sh

"$bin/distill-student" import-onnx --onnx pipelines/.assets/minilm/model.onnx --vocab pipelines/.assets/minilm/vocab.txt \
  --out "$runs/minilm" --threads "$threads"
"$bin/distill-student" params --model "$runs/minilm" --max-level 2

"$bin/distill-student" train --task classification --model "$runs/minilm" \
  --train pipelines/.data/sentiment/train.jsonl --dev pipelines/.data/sentiment/dev.jsonl \
  --out "$runs/teacher" --epochs 3 --lr 5e-5 --batch-size 32 --max-seq-length 64 --seed 42 --threads "$threads"
"$bin/distill-student" eval --task classification --model "$runs/teacher/best" \
  --data pipelines/.data/sentiment/dev.jsonl --out "$runs/teacher/dev-eval" --threads "$threads"

"$bin/cache-teacher" run --model "$runs/teacher/best" --task classification --data pipelines/.data/sentiment/train.jsonl \
  --out "$runs/cache" --hidden-layers 0,2,4,6 --dtype fp16 --max-seq-length 64 --threads "$threads"
"$bin/cache-teacher" verify "$runs/cache" --data pipelines/.data/sentiment/train.jsonl --model "$runs/teacher/best"

[ -s "$runs/student-init/model.safetensors" ] \
  || "$bin/distill-student" init-student --teacher "$runs/teacher/best" --layers 0,3 --out "$runs/student-init"
cat > "$runs/distill.json" <<'JSON'
{"temperature": 8, "kd_loss_type": "ce",
 "intermediate_matches": [
   {"layer_T": 0, "layer_S": 0, "feature": "hidden", "loss": "hidden_mse", "weight": 1},
   {"layer_T": 6, "layer_S": 2, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
JSON
"$bin/distill-student" distill --student "$runs/student-init" --cache "$runs/cache" --distill-config "$runs/distill.json" \
  --task classification --train pipelines/.data/sentiment/train.jsonl --dev pipelines/.data/sentiment/dev.jsonl \
  --out "$runs/student" --epochs 3 --lr 1e-4 --batch-size 32 --max-seq-length 64 --seed 42 --threads "$threads"
"$bin/distill-student" eval --task classification --model "$runs/student/best" \
  --data pipelines/.data/sentiment/dev.jsonl --out "$runs/student/dev-eval" --threads "$threads"
