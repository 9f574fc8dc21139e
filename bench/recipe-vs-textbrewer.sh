#!/usr/bin/env bash
# The whole distillation recipe, ours against TextBrewer's, one after the other on this machine (issue 20 §5):
# polarity (pipelines/.data/polarity), a fine-tuned MiniLM teacher, a 2-layer student from teacher layers 0,3 (both
# sides load the same init-student weights), KD at T=8 + hidden_mse on T0-S0, T3-S1, T6-S2
# (pipelines/configs/distill-L2.json), 10 epochs, lr 1e-4, batch 32, 64 tokens, one thread, dev accuracy after every epoch.
#   textbrewer  TextBrewer's GeneralDistiller with the teacher online (bench/DistillBench/textbrewer/recipe.py;
#               python3 with torch, TextBrewer's src/ on PYTHONPATH or in TEXTBREWER_SRC)
#   ours        cache-teacher run once + distill-student distill from the cache, float32
#   ours-bf16   the same with the teacher's forward (cache-teacher run --bf16) and the student's step in bf16
#   ours-grouped, ours-bf16-grouped   the same two with batches of similar length (--group-by-length): each batch
#               pads to about its own rows' length instead of the longest of 32 random rows (TextBrewer's batches)
# For each: wall time and CPU time (user + sys, children included: bash's `time`), final and best dev accuracy,
# and the ratios to TextBrewer's (goals: ours <= 0.5x at equal or better accuracy, bf16 <= 0.3x). On a shared machine
# trust the CPU-time ratios; the load average is printed before and after. Fine-tuning the teacher and making the
# student are shared inputs, done once (and reused by a rerun) outside the timings.
# Usage: recipe-vs-textbrewer.sh [--small] [--teacher RUN] [--out DIR]
#   --small: the first 30 training and 10 dev sentences, 2 epochs, batch 8, 32 tokens, a 1-epoch teacher (a smoke run)
#   --teacher RUN: a fine-tuned polarity teacher run (its best/) instead of fine-tuning one (3 epochs, lr 5e-5, bf16)
#   OUT: pipelines/.runs/recipe[-small]; table in OUT/table.md. BIN, THREADS as in pipelines/lib/chain.sh; PYTHON (default
#   /usr/bin/python3, Debian's, whose torch the pyenv python3 lacks).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../pipelines/lib/chain.sh"
NAME=recipe
TASK=classification
polarity="$repo/pipelines/.data/polarity"
python="${PYTHON:-/usr/bin/python3}"
usage="usage: recipe-vs-textbrewer.sh [--small] [--teacher RUN] [--out DIR]"
small=0 out="" teacher_run=""
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=1; shift ;;
    --teacher) teacher_run="$(realpath "$2")"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ -n "${TEXTBREWER_SRC:-}" ] && export PYTHONPATH="$TEXTBREWER_SRC${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH="$repo/bench/DistillBench/textbrewer${PYTHONPATH:+:$PYTHONPATH}"
# student_step imports torch and textbrewer (with its SummaryWriter stand-in: tensorboard is not installable here).
"$python" -c "import student_step" 2>/dev/null || {
  echo "recipe: $python cannot import torch and textbrewer; install Debian's python3-torch and python3-tqdm (apt-get install -t bookworm)" \
    "and put TextBrewer's src/ on PYTHONPATH or in TEXTBREWER_SRC" >&2
  exit 2
}

[ "$small" = 1 ] && RUNS="${out:-$repo/pipelines/.runs/recipe-small}" || RUNS="${out:-$repo/pipelines/.runs/recipe}"
mkdir -p "$RUNS"
RUNS="$(cd "$RUNS" && pwd)"
if [ "$small" = 1 ]; then
  slice "$polarity/train.csv" 31 "$polarity/dev.csv" 11
  epochs=2 lr=1e-4 batch=8 length=32
  TEACHER_ARGS=(--epochs 1 --lr 1e-4 --batch-size 8)
else
  TRAIN="$polarity/train.csv" DEV="$polarity/dev.csv"
  epochs=10 lr=1e-4 batch=32 length=64
  TEACHER_ARGS=(--epochs 3 --lr 5e-5 --batch-size 32)
fi
DATA_ARGS=(--max-seq-length "$length")
DISTILL_CONFIG="$repo/pipelines/configs/distill-L2.json"
pairs="0:0,3:1,6:2" # DISTILL_CONFIG's intermediate matches, as layer_T:layer_S
echo '{"bf16": true}' > "$RUNS/bf16.json"

# Shared inputs, outside the timings.
if [ -n "$teacher_run" ]; then
  mkdir -p "$RUNS/teacher" && ln -sfn "$teacher_run/best" "$RUNS/teacher/best"
elif [ ! -s "$RUNS/teacher/best/model.safetensors" ]; then
  import_minilm
  TEACHER_ARGS+=(--config "$RUNS/bf16.json") # bf16 fine-tuning: the teacher is an input here, not what is compared
  train_teacher teacher 42
fi
init_student teacher student-init
teacher="$RUNS/teacher/best"

load() { cut -d' ' -f1-3 /proc/loadavg; }
# measure NAME COMMAND...: runs it, appends "NAME wall user sys" to RUNS/times (bash's time: children included)
measure() {
  local name="$1" t
  shift
  stage "$name: timed"
  t="$( { TIMEFORMAT='%R %U %S'; time "$@" > "$RUNS/$name.log" 2>&1; } 2>&1 )" || { echo "recipe: $name failed; see $RUNS/$name.log" >&2; tail -5 "$RUNS/$name.log" >&2; exit 1; }
  echo "$name $t" >> "$RUNS/times"
}
textbrewer() {
  rm -rf "$RUNS/textbrewer" && mkdir -p "$RUNS/textbrewer"
  OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$python" "$repo/bench/DistillBench/textbrewer/recipe.py" \
    "$teacher" "$RUNS/student-init" "$TRAIN" "$DEV" "$epochs" "$lr" "$batch" "$length" "$threads" 8 "$pairs" "$RUNS/textbrewer" \
    | tail -1 > "$RUNS/textbrewer/result.json"
}
ours() { # PRECISION [grouped]: fp32 | bf16, and batches grouped by length
  local run="ours-$1${2:+-$2}" cache="cache-$1${2:+-$2}" flags=() training=()
  [ "$1" = bf16 ] && flags=(--bf16) training=(--training-config "$RUNS/bf16.json")
  [ "${2:-}" = grouped ] && training+=(--group-by-length)
  rm -rf "${RUNS:?}/$run" "${RUNS:?}/$cache"
  "$bin/cache-teacher" run --model "$teacher" --task "$TASK" --data "$TRAIN" --out "$RUNS/$cache" --config "$DISTILL_CONFIG" \
    --threads "$threads" "${DATA_ARGS[@]}" "${flags[@]}"
  "$bin/distill-student" distill --student "$RUNS/student-init" --cache "$RUNS/$cache" --distill-config "$DISTILL_CONFIG" "${training[@]}" \
    --task "$TASK" --train "$TRAIN" --dev "$DEV" --out "$RUNS/$run" --seed 42 --threads "$threads" \
    --epochs "$epochs" --lr "$lr" --batch-size "$batch" "${DATA_ARGS[@]}"
}

rm -f "$RUNS/times"
load_before="$(load)"
measure textbrewer textbrewer
measure ours ours fp32
measure ours-bf16 ours bf16
measure ours-grouped ours fp32 grouped
measure ours-bf16-grouped ours bf16 grouped
load_after="$(load)"

# The table: times from RUNS/times, accuracies from TextBrewer's result line and our dev lines in metrics.jsonl.
"$python" - "$RUNS" "$load_before" "$load_after" <<'EOF' | tee "$RUNS/table.md"
import json, sys
runs, before, after = sys.argv[1:4]
times = {}
for line in open(f"{runs}/times"):
    name, wall, user, system = line.split()
    times[name] = (float(wall), float(user) + float(system))
def ours(run):
    dev = [json.loads(l)["accuracy"] for l in open(f"{runs}/{run}/metrics.jsonl") if '"split":"dev"' in l]
    return dev[-1], max(dev)
tb = json.load(open(f"{runs}/textbrewer/result.json"))
accuracy = {"textbrewer": (tb["final"], tb["best"]), "ours": ours("ours-fp32"), "ours-bf16": ours("ours-bf16"),
            "ours-grouped": ours("ours-fp32-grouped"), "ours-bf16-grouped": ours("ours-bf16-grouped")}
goals = {"ours": "<= 0.5", "ours-bf16": "<= 0.3", "ours-grouped": "<= 0.5", "ours-bf16-grouped": "<= 0.3"}
print(f"load average before {before}, after {after}")
print("| run | wall s | CPU s (user+sys) | dev accuracy final | best | wall / TextBrewer | CPU / TextBrewer | goal |")
print("|---|---|---|---|---|---|---|---|")
base_wall, base_cpu = times["textbrewer"]
for name in ("textbrewer", "ours", "ours-bf16", "ours-grouped", "ours-bf16-grouped"):
    wall, cpu = times[name]
    final, best = accuracy[name]
    print(f"| {name} | {wall:.1f} | {cpu:.1f} | {final:.4f} | {best:.4f} | {wall / base_wall:.3f} | {cpu / base_cpu:.3f} | {goals.get(name, '')} |")
EOF
