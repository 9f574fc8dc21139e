#!/usr/bin/env bash
# MultiTask on real data: one 2-layer student with a polarity head and a POS head, each task distilled from its
# own teacher cache (distill-multitask, batches drawn ∝ batches per epoch, tau 1), once at the teacher's vocabulary
# and once with its own, side by side. Polarity: the fine-tuned MiniLM teacher of train-teachers.sh, cached over
# Pang & Lee train.csv. POS: MiniLM fine-tuned on the OANC sentences (as pos.sh), cached. Both caches keep the hidden
# states that distill-L2-T2's matches read (KD at T = 2 + hidden_mse T0↔S0, T3↔S1, T6↔S2; for the own vocabulary
# the token rows are aligned through the cached character offsets). Both students start from the polarity teacher's
# layers 0 and 3: both teachers are short fine-tunes of the same MiniLM, so those layers are still MiniLM's features
# (same vocabulary, same embedding space) and neither task gets an encoder it never saw; the heads start fresh.
# The own vocabulary: build-vocab reads classification files only, so it reads polarity's sentences and the POS
# sentences (their words joined by spaces) written together as one CSV.
# Each head is evaluated on its task's dev data; a table gives task, teacher dev, student dev and student size.
# Usage: multitask.sh [--small]   --small: 300/100 sentences per task, 60 steps (minutes)
# Outputs under pipelines/.runs/multitask[-small] (RUNS overrides). From the environment: POLARITY_TEACHER (the
# teacher's best/), POLARITY_CACHE (a cache of it over the same train.csv with hidden layers 0, 3 and 6; made here
# when unset), POS_SENTENCES (training sentences), STEPS, VOCAB_SIZE; other settings: lib/chain.sh.
set -euo pipefail
DISTILL_CONFIG="${DISTILL_CONFIG:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/configs/distill-L2-T2.json}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/chain.sh"
NAME=multitask
POLARITY_TEACHER="${POLARITY_TEACHER:-$repo/pipelines/.runs/teachers/polarity/best}"
polarity_data="$repo/pipelines/.data/polarity" pos_data="$repo/pipelines/.data/pos"
case "${1:-}" in
  --small)
    RUNS="${RUNS:-$repo/pipelines/.runs/multitask-small}"
    POS_SENTENCES="${POS_SENTENCES:-300}" POS_DEV=100 STEPS="${STEPS:-60}" VOCAB_SIZE="${VOCAB_SIZE:-2000}"
    slice "$polarity_data/train.csv" 301 "$polarity_data/dev.csv" 101 ;;
  "")
    RUNS="${RUNS:-$repo/pipelines/.runs/multitask}"
    POS_SENTENCES="${POS_SENTENCES:-2000}" POS_DEV=1000 STEPS="${STEPS:-600}" VOCAB_SIZE="${VOCAB_SIZE:-4000}"
    TRAIN="$polarity_data/train.csv" DEV="$polarity_data/dev.csv" ;;
  *) echo "usage: multitask.sh [--small]" >&2; exit 2 ;;
esac
POLARITY_TRAIN="$TRAIN" POLARITY_DEV="$DEV"
slice "$pos_data/train.txt" "$POS_SENTENCES" "$pos_data/dev.txt" "$POS_DEV"
POS_TRAIN="$TRAIN" POS_DEV="$DEV"
DATA_ARGS=(--max-seq-length 64)
TEACHER_ARGS=(--epochs 2 --lr 2e-4 --batch-size 32)
[ -s "$POLARITY_TEACHER/model.safetensors" ] || {
  echo "multitask: no polarity teacher at $POLARITY_TEACHER (run pipelines/train-teachers.sh or set" \
    "POLARITY_TEACHER)" >&2
  exit 2
}

polarity() { TASK=classification TRAIN="$POLARITY_TRAIN" DEV="$POLARITY_DEV"; }
pos() { TASK=tagging TRAIN="$POS_TRAIN" DEV="$POS_DEV"; }

# The teachers: POS fine-tuned here; polarity's best/ linked in (its own folder is only read).
import_minilm
pos
train_teacher pos-teacher 42
cache_teacher pos-teacher pos-cache --config "$DISTILL_CONFIG"
mkdir -p "$RUNS/polarity-teacher"
ln -sfn "$POLARITY_TEACHER" "$RUNS/polarity-teacher/best"
polarity
if [ -n "${POLARITY_CACHE:-}" ]; then ln -sfn "$POLARITY_CACHE" "$RUNS/polarity-cache"
else cache_teacher polarity-teacher polarity-cache --config "$DISTILL_CONFIG"; fi

# The students' initial weights: the teacher's 30,522 pieces, and the VOCAB_SIZE pieces both tasks' text uses most.
init_student polarity-teacher student-teacher-vocab-init
vocab="$RUNS/student-own-vocab.vocab.txt"
if [ ! -s "$vocab" ]; then
  stage "a vocabulary of the $VOCAB_SIZE teacher pieces polarity's and POS's sentences use most"
  # POS lines `word/TAG ...` become their words, each line one quoted CSV text after polarity's rows (label unused).
  { cat "$POLARITY_TRAIN"
    sed -E 's#/[^ /]+( |$)#\1#g; s/"/""/g; s/^/0,"/; s/$/"/' "$POS_TRAIN"
  } > "$RUNS/data/vocab-text.csv"
  "$bin/distill-student" build-vocab --teacher "$POLARITY_TEACHER" --data "$RUNS/data/vocab-text.csv" \
    --size "$VOCAB_SIZE" --out "$vocab"
fi
init_student polarity-teacher student-own-vocab-init --vocab "$vocab"

distill_multitask() { # INIT OUT: the run file written as $RUNS/OUT.json, then distill-multitask (resumes on a rerun)
  local init="$1" out="$2"
  stage "$out: $init distilled from polarity-cache and pos-cache, $STEPS steps"
  jq -n --slurpfile distillation "$DISTILL_CONFIG" --argjson steps "$STEPS" --argjson threads "$threads" \
    --arg runs "$RUNS" --arg init "$init" --arg out "$out" \
    --arg ptrain "$POLARITY_TRAIN" --arg pdev "$POLARITY_DEV" --arg ttrain "$POS_TRAIN" --arg tdev "$POS_DEV" \
    '{training: {model: "\($runs)/\($init)", output_dir: "\($runs)/\($out)", learning_rate: 3e-4, batch_size: 32,
                 max_seq_length: 64, seed: 42, threads: $threads, ckpt_steps: ($steps / 4 | ceil)},
      distillation: $distillation[0], num_steps: $steps, tau: 1,
      tasks: [{name: "polarity", task: "classification", train: $ptrain, dev: $pdev, cache: "\($runs)/polarity-cache"},
              {name: "pos", task: "tagging", train: $ttrain, dev: $tdev, cache: "\($runs)/pos-cache"}]}' \
    > "$RUNS/$out.json"
  "$bin/distill-student" distill-multitask --config "$RUNS/$out.json"
}
# Side by side: each run takes $threads threads, and neither waits for the other.
distill_multitask student-teacher-vocab-init student-teacher-vocab & teacher_vocab=$!
distill_multitask student-own-vocab-init student-own-vocab & own_vocab=$!
wait "$teacher_vocab"
wait "$own_vocab"

# Every teacher and head on its task's dev data, then the table.
students=(student-teacher-vocab student-own-vocab)
polarity
evaluate_model polarity-teacher/best polarity-teacher/dev-eval
for student in "${students[@]}"; do evaluate_model "$student/best/polarity" "$student/dev-eval-polarity"; done
pos
evaluate_model pos-teacher/best pos-teacher/dev-eval
for student in "${students[@]}"; do evaluate_model "$student/best/pos" "$student/dev-eval-pos"; done

metric() { jq -r --arg key "$2" '.[$key]' "$RUNS/$1/metrics.json" | awk '{ printf "%.3f", $1 }'; }
size() { stat -L -c %s "$RUNS/$1/best/model.safetensors" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }
row() { # LABEL METRIC TASK: the task's dev metric for its teacher and each student's head
  local cells="| $1 | $(metric "$3-teacher/dev-eval" "$2") |" student
  for student in "${students[@]}"; do cells+=" $(metric "$student/dev-eval-$3" "$2") |"; done
  echo "$cells"
}
echo "| task (dev metric) | teacher | student, teacher's vocabulary | student, own $VOCAB_SIZE pieces |"
echo "|---|---|---|---|"
row "polarity (accuracy)" accuracy polarity
row "POS (token accuracy)" token_accuracy pos
echo "| model.safetensors (both heads) | $(size polarity-teacher), $(size pos-teacher) |" \
  "$(size student-teacher-vocab) | $(size student-own-vocab) |"
stage "done"
