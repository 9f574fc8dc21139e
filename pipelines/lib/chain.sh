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

# The stages, each skipped or resumed when its output is complete; names are folders under $RUNS.
import_minilm() {
  mkdir -p "$RUNS"
  [ -s "$RUNS/minilm/model.safetensors" ] || "$bin/distill-student" import-onnx --onnx "$minilm/model.onnx" \
    --vocab "$minilm/vocab.txt" --out "$RUNS/minilm" --threads "$threads"
}

train_teacher() { # OUT SEED
  stage "$1: fine-tuning MiniLM (seed $2) on $TRAIN"
  "$bin/distill-student" train --task "$TASK" --model "$RUNS/minilm" --train "$TRAIN" --dev "$DEV" --out "$RUNS/$1" \
    --seed "$2" --threads "$threads" "${DATA_ARGS[@]}" "${TEACHER_ARGS[@]}"
}

cache_teacher() { # TEACHER CACHE [cache-teacher run flags...]
  local teacher="$1" cache="$2"
  shift 2
  stage "$cache: running $teacher once over $TRAIN"
  "$bin/cache-teacher" run --model "$RUNS/$teacher/best" --task "$TASK" --data "$TRAIN" --out "$RUNS/$cache" \
    "$@" --threads "$threads" "${DATA_ARGS[@]}"
  "$bin/cache-teacher" verify "$RUNS/$cache" --data "$TRAIN" --model "$RUNS/$teacher/best"
}

init_student() { # TEACHER OUT [init-student flags...]: layers $STUDENT_LAYERS of a run's best/ or of a model (minilm)
  local teacher="$RUNS/$1" out="$2"
  shift 2
  [ -d "$teacher/best" ] && teacher="$teacher/best"
  [ -s "$RUNS/$out/config.json" ] || "$bin/distill-student" init-student --teacher "$teacher" \
    --layers "$STUDENT_LAYERS" "$@" --out "$RUNS/$out"
}

train_student() { # INIT OUT [train flags...]: the student trained on the labels alone, without a teacher
  local init="$1" out="$2"
  shift 2
  stage "$out: $init trained on $TRAIN without a teacher"
  "$bin/distill-student" train --task "$TASK" --model "$RUNS/$init" --train "$TRAIN" --dev "$DEV" --out "$RUNS/$out" \
    --seed 42 --threads "$threads" "${DATA_ARGS[@]}" "$@"
}

augment() { # COPIES NAME [augment flags...]: $TRAIN and COPIES noisy copies of each example as $RUNS/data/NAME.jsonl
  local copies="$1" name="$2"
  shift 2
  mkdir -p "$RUNS/data"
  [ -s "$RUNS/data/$name.jsonl" ] || "$bin/distill-student" augment --data "$TRAIN" --copies "$copies" --seed 42 \
    "$@" --out "$RUNS/data/$name.jsonl"
}

distill_student() { # INIT OUT CONFIG CACHE...: distilled from every cache (several: MultiTeacher)
  local init="$1" out="$2" config="$3" cache caches=()
  shift 3
  for cache in "$@"; do caches+=(--cache "$RUNS/$cache"); done
  stage "$out: $init distilled from $*"
  "$bin/distill-student" distill --student "$RUNS/$init" "${caches[@]}" --distill-config "$config" \
    --task "$TASK" --train "$TRAIN" --dev "$DEV" --out "$RUNS/$out" --seed 42 --threads "$threads" \
    "${DATA_ARGS[@]}" "${DISTILL_ARGS[@]}"
}

own_vocabulary_student() { # TEACHER CACHE SIZE OUT CONFIG [INIT]: a student with the SIZE teacher pieces the data uses
  # most, its layers from INIT (a run or a model under RUNS; default TEACHER)
  local teacher="$1" cache="$2" size="$3" out="$4" config="$5" init="${6:-$1}"
  stage "$out: a vocabulary of the $size teacher pieces the data uses most"
  [ -s "$RUNS/$out.vocab.txt" ] || "$bin/distill-student" build-vocab --teacher "$RUNS/$teacher/best" --data "$TRAIN" \
    --size "$size" --out "$RUNS/$out.vocab.txt"
  init_student "$init" "$out-init" --vocab "$RUNS/$out.vocab.txt"
  distill_student "$out-init" "$out" "$config" "$cache"
}

evaluate_model() { # MODEL EVAL: the model directory MODEL on dev, metrics into EVAL (both under $RUNS)
  local model="$RUNS/$1" out="$RUNS/$2"
  [ "$out/metrics.json" -nt "$model/model.safetensors" ] || "$bin/distill-student" eval \
    --task "$TASK" --model "$model" --data "$DEV" --out "$out" --threads "$threads" "${DATA_ARGS[@]}" > /dev/null
  stage "$1 on $(basename "$DEV"): $(cat "$out/metrics.json"), model.safetensors $(du -h "$model/model.safetensors" | cut -f1)"
}

evaluate() { # RUN...: each run's best/ on dev
  local model
  for model in "$@"; do evaluate_model "$model/best" "$model/dev-eval"; done
}

chain() {
  import_minilm
  train_teacher teacher 42
  cache_teacher teacher cache --config "$DISTILL_CONFIG"
  init_student teacher student-init
  distill_student student-init student "$DISTILL_CONFIG" cache
  evaluate teacher student
}
