# The stage chain shared by the task pipelines (sourced, then `chain` is called):
#   import MiniLM → fine-tune a teacher → cache it (verified) → init a student from some of its layers
#   → distil it from the cache → evaluate teacher and student on dev with the same metric code.
# Each stage's outputs are the next one's inputs, all under $RUNS; a rerun resumes or reuses finished stages
# (train and distill resume from their last checkpoint, the cache keeps complete shards, init-student is skipped
# once its directory exists, and it is written whole or not at all; an evaluation newer than its best/ is kept).
# The caller sets: NAME TASK TRAIN DEV RUNS, and the arrays DATA_ARGS (reader flags every stage shares, e.g.
# --max-seq-length), TEACHER_ARGS and DISTILL_ARGS (epochs, lr, batch size). From the environment: BIN,
# THREADS (1), STUDENT_LAYERS (0,3: a 2-layer student) and DISTILL_CONFIG (its matches choose the cached layers).
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BIN:-$repo/artifacts/bin}"
threads="${THREADS:-1}"
minilm="$repo/pipelines/.assets/minilm"
STUDENT_LAYERS="${STUDENT_LAYERS:-0,3}"
DISTILL_CONFIG="${DISTILL_CONFIG:-$repo/pipelines/configs/distill-L2.json}"

stage() { echo "$NAME: $* ($SECONDS s)"; }

# slice TRAIN_FILE TRAIN_LINES DEV_FILE DEV_LINES: the first lines of each file, copied once (whole or not at all)
# into $RUNS/data for --small runs; sets TRAIN and DEV to the copies.
slice() {
  mkdir -p "$RUNS/data"
  TRAIN="$RUNS/data/$(basename "$1")" DEV="$RUNS/data/$(basename "$3")"
  [ -s "$TRAIN" ] || { head -n "$2" "$1" > "$TRAIN.tmp" && mv "$TRAIN.tmp" "$TRAIN"; }
  [ -s "$DEV" ] || { head -n "$4" "$3" > "$DEV.tmp" && mv "$DEV.tmp" "$DEV"; }
}

chain() {
  mkdir -p "$RUNS"
  [ -s "$RUNS/minilm/model.safetensors" ] || "$bin/distill-student" import-onnx --onnx "$minilm/model.onnx" \
    --vocab "$minilm/vocab.txt" --out "$RUNS/minilm" --threads "$threads"

  stage "teacher: fine-tuning MiniLM on $TRAIN"
  "$bin/distill-student" train --task "$TASK" --model "$RUNS/minilm" --train "$TRAIN" --dev "$DEV" --out "$RUNS/teacher" \
    --seed 42 --threads "$threads" "${DATA_ARGS[@]}" "${TEACHER_ARGS[@]}"

  stage "cache: running the teacher once over $TRAIN"
  "$bin/cache-teacher" run --model "$RUNS/teacher/best" --task "$TASK" --data "$TRAIN" --out "$RUNS/cache" \
    --config "$DISTILL_CONFIG" --threads "$threads" "${DATA_ARGS[@]}"
  "$bin/cache-teacher" verify "$RUNS/cache" --data "$TRAIN" --model "$RUNS/teacher/best"

  stage "student: teacher layers $STUDENT_LAYERS, distilled from the cache"
  [ -s "$RUNS/student-init/config.json" ] || "$bin/distill-student" init-student --teacher "$RUNS/teacher/best" \
    --layers "$STUDENT_LAYERS" --out "$RUNS/student-init"
  "$bin/distill-student" distill --student "$RUNS/student-init" --cache "$RUNS/cache" --distill-config "$DISTILL_CONFIG" \
    --task "$TASK" --train "$TRAIN" --dev "$DEV" --out "$RUNS/student" --seed 42 --threads "$threads" \
    "${DATA_ARGS[@]}" "${DISTILL_ARGS[@]}"

  for model in teacher student; do
    [ "$RUNS/$model/dev-eval/metrics.json" -nt "$RUNS/$model/best/model.safetensors" ] || "$bin/distill-student" eval \
      --task "$TASK" --model "$RUNS/$model/best" --data "$DEV" --out "$RUNS/$model/dev-eval" --threads "$threads" \
      "${DATA_ARGS[@]}" > /dev/null
    stage "$model on dev: $(cat "$RUNS/$model/dev-eval/metrics.json")"
  done
}
