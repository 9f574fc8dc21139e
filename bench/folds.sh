#!/usr/bin/env bash
# How much of the teacher does a recipe keep, over k folds rather than one dev set? The labelled data (by default
# polarity's train.csv and dev.csv pooled: 4,000 sentences, so every sentence is held out once) is split by
# `distill-student folds` (deterministic for --seed: an example's fold depends on its id). In fold i, the held-out
# part is used only by `distill-student eval`; the rest is cut into a training part and a selection part (--select,
# 10%), the dev set on which every run picks its best checkpoint. Per fold, three arms (one more per further --recipe),
# each evaluated on the held-out part with its best (selection) checkpoint:
#   teacher            MiniLM fine-tuned on the fold's training part (or --teacher RUN, one fine-tuned run for every
#                      fold: its training data must then be disjoint from --data, which this script cannot check)
#   student-alone      layers --layers of the pre-trained MiniLM, `distill-student train` on the labels alone
#   student-distilled  the same student, `distill` from the fold's teacher cached over the fold's training part with
#                      the --recipe config (its matches choose the cached layers: hidden states, attentions, or the
#                      query/key/value of MiniLM relations)
#   distilled-NAME     the same for every further --recipe NAME.json (e.g. --recipe pipelines/configs/distill-L2.json
#                      --recipe pipelines/configs/minilmv2-L2.json compares the two on the same folds and teachers)
#   augmented-xN       with --augment N: the first recipe on the fold's training part and N copies of each sentence
#                      whose words may be replaced by their neighbours in the fold teacher's word embeddings
#                      (`augment --neighbours`, TinyBERT's augmentation without an MLM head), the teacher cached over
#                      it; --augment-epochs E (default: the students' epochs) as the copies multiply each epoch's steps
#   own-vocab-N        with --vocab-size N: a student of the same layers with its own vocabulary of the N teacher
#                      pieces the fold's training part uses most (build-vocab; init-student --vocab), distilled with
#                      the first recipe (token-level matches aligned by character offsets)
#   own-vocab-N-augmented-xM  with both --vocab-size N and --augment M: that student on the augmented-xM data (its
#                      vocabulary counted over the copies too), for --augment-epochs
# Then a table per arm over the folds: mean accuracy, sample standard deviation, min–max, and % of the teacher's mean.
# Every executable call is appended to OUT/commands.log (through wrappers in OUT/bin), so a run can be audited for
# what read the held-out files.
# Usage: folds.sh [--folds K] [--epochs N] [--small] [--recipe CONFIG]... [--layers L,L] [--out DIR] [--seed S]
#                 [--select SHARE] [--teacher RUN] [--data FILE]... [--group-by-length] [--augment N [--augment-epochs E]]
#                 [--vocab-size N] [--arms ARM,...]
#   --arms: only these arms besides the teacher (which every other arm needs), e.g. --arms student-distilled with
#           --epochs 27 as an equal-steps control for an augmented arm; the table then has only them
#   --group-by-length: every run (teacher and students) in batches of similar length (train/distill --group-by-length)
#   --small: the first 30 training and 10 dev sentences of polarity, batch 8, 32 tokens, 1 epoch (a smoke run)
#   defaults: 5 folds; students 10 epochs, lr 1e-4, batch 32; teacher 3 epochs, lr 5e-5; 64 tokens; layers 0,3;
#   recipe pipelines/configs/distill-L2.json; OUT pipelines/.runs/folds[-small]. A rerun with the same OUT resumes:
#   the split is kept (a different split is refused), an arm with its held-out evaluation is skipped (its
#   checkpoints/ are then removed: disk), unfinished runs resume from their last checkpoint. One OUT holds one setting: use another OUT for other epochs or layers
#   (a recipe added to an OUT is one more arm; the finished ones are kept).
# BIN (executables) and THREADS as in pipelines/lib/chain.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../pipelines/lib/chain.sh"
NAME=folds
TASK=classification
polarity="$repo/pipelines/.data/polarity"
usage="usage: folds.sh [--folds K] [--epochs N] [--small] [--recipe CONFIG]... [--layers L,L] [--out DIR] [--seed S] [--select SHARE] [--teacher RUN] [--data FILE]... [--group-by-length] [--augment N [--augment-epochs E]] [--vocab-size N] [--arms ARM,...]"
folds=5 epochs="" small=0 recipes=() out="" seed=42 select=0.1 teacher_run="" data=() grouping=() copies="" augment_epochs="" vocab_size="" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --folds) folds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --small) small=1; shift ;;
    --recipe) recipes+=("$(realpath "$2")"); shift 2 ;;
    --layers) STUDENT_LAYERS="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --select) select="$2"; shift 2 ;;
    --teacher) teacher_run="$(realpath "$2")"; shift 2 ;;
    --data) data+=("$(realpath "$2")"); shift 2 ;;
    --group-by-length) grouping=(--group-by-length); shift ;;
    --augment) copies="$2"; shift 2 ;;
    --augment-epochs) augment_epochs="$2"; shift 2 ;;
    --vocab-size) vocab_size="$2"; shift 2 ;;
    --arms) only="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ ${#recipes[@]} -gt 0 ] || recipes=("$DISTILL_CONFIG")
# The first recipe's arm keeps the name student-distilled; each further one is distilled-NAME (its file's name).
recipe_arms=(student-distilled) described="student-distilled = ${recipes[0]}"
for recipe in "${recipes[@]:1}"; do
  recipe_arms+=("distilled-$(basename "$recipe" .json)") described+=", ${recipe_arms[-1]} = $recipe"
done
[ -z "$augment_epochs" ] || [ -n "$copies" ] || { echo "folds: --augment-epochs needs --augment" >&2; exit 2; }
[ -z "$copies" ] || described+=", augmented-x$copies = ${recipes[0]} on $copies neighbour-replaced copies per sentence"
[ -z "$vocab_size" ] || described+=", own-vocab-$vocab_size = ${recipes[0]} with $vocab_size teacher pieces"
[ -z "$vocab_size" ] || [ -z "$copies" ] || described+=", own-vocab-$vocab_size-augmented-x$copies = both"
[ "$(printf '%s\n' "${recipe_arms[@]}" | sort -u | wc -l)" = ${#recipe_arms[@]} ] || { echo "folds: two --recipe files share a name: ${recipes[*]}" >&2; exit 2; }
arms=(teacher student-alone "${recipe_arms[@]}")
[ -z "$copies" ] || arms+=("augmented-x$copies")
[ -z "$vocab_size" ] || arms+=("own-vocab-$vocab_size")
[ -z "$vocab_size" ] || [ -z "$copies" ] || arms+=("own-vocab-$vocab_size-augmented-x$copies")
if [ -n "$only" ]; then
  chosen=(teacher)
  for arm in ${only//,/ }; do
    printf '%s\n' "${arms[@]}" | grep -qxF -- "$arm" || { echo "folds: --arms $arm is not one of this run's arms: ${arms[*]:1}" >&2; exit 2; }
    [ "$arm" = teacher ] || chosen+=("$arm")
  done
  arms=("${chosen[@]}")
fi
wanted() { printf '%s\n' "${arms[@]}" | grep -qxF -- "$1"; }

[ "$small" = 1 ] && RUNS="${out:-$repo/pipelines/.runs/folds-small}" || RUNS="${out:-$repo/pipelines/.runs/folds}"
mkdir -p "$RUNS/bin"
RUNS="$(cd "$RUNS" && pwd)" bin="$(cd "$bin" && pwd)"
if [ "$small" = 1 ]; then
  [ ${#data[@]} -gt 0 ] || { slice "$polarity/train.csv" 31 "$polarity/dev.csv" 11; data=("$TRAIN" "$DEV"); }
  TEACHER_ARGS=(--epochs 1 --lr 1e-4 --batch-size 8)
  STUDENT_ARGS=(--epochs "${epochs:-1}" --lr 1e-4 --batch-size 8)
  DATA_ARGS=(--max-seq-length 32)
else
  [ ${#data[@]} -gt 0 ] || data=("$polarity/train.csv" "$polarity/dev.csv")
  TEACHER_ARGS=(--epochs 3 --lr 5e-5 --batch-size 32)
  STUDENT_ARGS=(--epochs "${epochs:-10}" --lr 1e-4 --batch-size 32)
  DATA_ARGS=(--max-seq-length 64)
fi
TEACHER_ARGS+=("${grouping[@]}") STUDENT_ARGS+=("${grouping[@]}")
AUGMENTED_ARGS=("${STUDENT_ARGS[@]}")
[ -z "$augment_epochs" ] || AUGMENTED_ARGS=(--epochs "$augment_epochs" "${STUDENT_ARGS[@]:2}")

# Every call goes through a wrapper that logs its command line, then runs the real executable.
for exe in distill-student cache-teacher; do
  cat > "$RUNS/bin/$exe.tmp" <<EOF
#!/usr/bin/env bash
echo "$exe \$*" >> "$RUNS/commands.log"
exec "$bin/$exe" "\$@"
EOF
  chmod +x "$RUNS/bin/$exe.tmp" && mv "$RUNS/bin/$exe.tmp" "$RUNS/bin/$exe"
done
bin="$RUNS/bin"

split="folds $folds, seed $seed, select $select, data ${data[*]}"
if [ -s "$RUNS/folds/split.txt" ]; then
  [ "$(cat "$RUNS/folds/split.txt")" = "$split" ] || {
    echo "folds: $RUNS/folds was split as: $(cat "$RUNS/folds/split.txt") (asked: $split); use another --out" >&2; exit 2; }
else
  "$bin/distill-student" folds --data "${data[@]}" --folds "$folds" --seed "$seed" --select "$select" --out "$RUNS/folds"
  echo "$split" > "$RUNS/folds/split.txt"
fi

import_minilm
init_student minilm student-init
if [ -n "$teacher_run" ]; then ln -sfn "$teacher_run" "$RUNS/teacher-given"; fi
DISTILL_ARGS=("${STUDENT_ARGS[@]}")
# An arm is finished once its held-out evaluation exists: it is skipped then, and its checkpoints/ (optimizer state,
# kept for resuming) and the fold's cache are removed, as 5 folds × 3 arms would otherwise hold gigabytes.
evaluate_arm() { # ARM RUN: RUN's best/ on the held-out part, as the arm's figure
  DEV="$held" evaluate_model "$2/best" "$f/$1-held"
  [ "$2" = teacher-given ] || rm -rf "${RUNS:?}/$2/checkpoints"
}
done_arm() { [ -s "$RUNS/$f/$1-held/metrics.json" ]; }
on_copies() { # ARM COMMAND...: the fold's training part and its --augment copies (written once per fold, for every
  # arm on them) become TRAIN, the teacher is cached over them for ARM, then COMMAND runs for --augment-epochs
  local copies_file="$RUNS/data/$f-augmented-x$copies.jsonl" arm="$1"
  shift
  augment "$copies" "$f-augmented-x$copies" --neighbours "$RUNS/$teacher/best"
  (
    TRAIN="$copies_file" DISTILL_ARGS=("${AUGMENTED_ARGS[@]}")
    cache_teacher "$teacher" "$f/cache-$arm" --config "${recipes[0]}"
    "$@"
  )
}
for i in $(seq 1 "$folds"); do
  f="fold-$i"
  TRAIN="$RUNS/folds/$f/train.jsonl" DEV="$RUNS/folds/$f/select.jsonl" held="$RUNS/folds/$f/held.jsonl"
  teacher="$f/teacher"
  [ -z "$teacher_run" ] || teacher=teacher-given
  if ! done_arm teacher; then
    [ -n "$teacher_run" ] || train_teacher "$teacher" 42
    evaluate_arm teacher "$teacher"
  fi
  if wanted student-alone && ! done_arm student-alone; then
    train_student student-init "$f/student-alone" "${STUDENT_ARGS[@]}"
    evaluate_arm student-alone "$f/student-alone"
  fi
  for r in "${!recipes[@]}"; do
    arm="${recipe_arms[$r]}"
    wanted "$arm" && ! done_arm "$arm" || continue
    cache_teacher "$teacher" "$f/cache-$arm" --config "${recipes[$r]}"
    distill_student student-init "$f/$arm" "${recipes[$r]}" "$f/cache-$arm"
    evaluate_arm "$arm" "$f/$arm"
    rm -rf "${RUNS:?}/$f/cache-$arm"
  done
  arm="augmented-x$copies"
  if [ -n "$copies" ] && wanted "$arm" && ! done_arm "$arm"; then
    on_copies "$arm" distill_student student-init "$f/$arm" "${recipes[0]}" "$f/cache-$arm"
    evaluate_arm "$arm" "$f/$arm"
    rm -rf "${RUNS:?}/$f/cache-$arm"
  fi
  arm="own-vocab-$vocab_size"
  if [ -n "$vocab_size" ] && wanted "$arm" && ! done_arm "$arm"; then
    cache_teacher "$teacher" "$f/cache-$arm" --config "${recipes[0]}"
    own_vocabulary_student "$teacher" "$f/cache-$arm" "$vocab_size" "$f/$arm" "${recipes[0]}" minilm
    evaluate_arm "$arm" "$f/$arm"
    rm -rf "${RUNS:?}/$f/cache-$arm" "${RUNS:?}/$f/$arm-init"
  fi
  arm="own-vocab-$vocab_size-augmented-x$copies"
  if [ -n "$vocab_size" ] && [ -n "$copies" ] && wanted "$arm" && ! done_arm "$arm"; then
    on_copies "$arm" own_vocabulary_student "$teacher" "$f/cache-$arm" "$vocab_size" "$f/$arm" "${recipes[0]}" minilm
    evaluate_arm "$arm" "$f/$arm"
    rm -rf "${RUNS:?}/$f/cache-$arm" "${RUNS:?}/$f/$arm-init"
  fi
done

# The table: one row per arm over the folds' held-out accuracies.
for arm in "${arms[@]}"; do
  printf '%s' "$arm"
  for i in $(seq 1 "$folds"); do
    printf ' %s' "$(grep -o '"accuracy":[0-9.eE+-]*' "$RUNS/fold-$i/$arm-held/metrics.json" | cut -d: -f2)"
  done
  echo
done | awk -v k="$folds" -v recipe="$described" -v layers="$STUDENT_LAYERS" '
  { arm[NR] = $1; sum = 0; lo = $2; hi = $2; acc[NR] = ""
    for (i = 2; i <= NF; i++) { sum += $i; if ($i < lo) lo = $i; if ($i > hi) hi = $i; acc[NR] = acc[NR] sprintf(" %.4f", $i) }
    mean[NR] = sum / k; ss = 0
    for (i = 2; i <= NF; i++) ss += ($i - mean[NR]) ^ 2
    sd[NR] = sqrt(ss / (k - 1)); min[NR] = lo; max[NR] = hi }
  END {
    printf "folds: %d folds, held-out accuracy, recipes: %s; student layers %s\n", k, recipe, layers
    printf "| arm | mean | std | min–max | %% of teacher | per fold |\n|---|---:|---:|---:|---:|---|\n"
    for (r = 1; r <= NR; r++)
      printf "| %s | %.4f | %.4f | %.4f–%.4f | %.1f%% |%s |\n", arm[r], mean[r], sd[r], min[r], max[r], 100 * mean[r] / mean[1], acc[r]
  }' | tee "$RUNS/table.md"
