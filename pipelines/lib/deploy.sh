# The deployment half of a pipeline (sourced after lib/chain.sh, then `deploy` is called after `chain`):
#   export the teacher and the student as optimised fp32 ONNX and the student as int8 → evaluate each ONNX model
#   on dev with `export-onnx predict --eval` (the metric code of `distill-student eval`) → time them side by side
#   with `export-onnx bench` → `export-onnx report`: the table, training curves and accuracy against latency.
# Outputs under $RUNS/onnx/<model>/ (model.onnx, vocab.txt, config.json, dev-predictions.jsonl, dev-metrics.json),
# $RUNS/bench.json and $RUNS/report/. A rerun skips every output that is complete and newer than its inputs:
# an export is complete once config.json (copied last, after the parity-checked model.onnx and vocab.txt) exists;
# metrics and bench figures are written under a temporary name and renamed.
# The caller sets, besides chain's settings: BENCH_ARGS (array, e.g. --iterations 30) and METRIC (the dev metric
# of the table and plots, e.g. accuracy).

# newer TARGET SOURCE...: TARGET exists, is not empty, and is newer than every SOURCE.
newer() {
  local target="$1" source
  shift
  [ -s "$target" ] || return 1
  for source in "$@"; do [ "$target" -nt "$source" ] || return 1; done
}

export_onnx() { # NAME MODEL_DIR [export flags...]
  local name="$1" model="$2" out="$RUNS/onnx/$1"
  shift 2
  newer "$out/config.json" "$model/model.safetensors" && [ -s "$out/model.onnx" ] && [ -s "$out/vocab.txt" ] && return 0
  stage "export: $name from $model $*"
  "$bin/export-onnx" export --model "$model" --out "$out/model.onnx" --optimize --threads "$threads" "$@"
}

evaluate_onnx() { # NAME
  local out="$RUNS/onnx/$1"
  if ! newer "$out/dev-metrics.json" "$out/model.onnx"; then
    "$bin/export-onnx" predict --onnx "$out/model.onnx" --data "$DEV" --out "$out/dev-predictions.jsonl" --eval --json \
      --threads "$threads" > "$out/dev-metrics.json.tmp"
    mv "$out/dev-metrics.json.tmp" "$out/dev-metrics.json"
  fi
  stage "$1 (ONNX) on dev: $(cat "$out/dev-metrics.json")"
}

deploy() {
  export_onnx teacher "$RUNS/teacher/best"
  export_onnx student "$RUNS/student/best"
  export_onnx student-int8 "$RUNS/student/best" --int8
  local name onnx=()
  for name in teacher student student-int8; do
    evaluate_onnx "$name"
    onnx+=("$RUNS/onnx/$name/model.onnx")
  done

  if ! newer "$RUNS/bench.json" "${onnx[@]}"; then
    stage "bench: batch 1 latency and throughput at 128 tokens"
    "$bin/export-onnx" bench --onnx "${onnx[0]}" --onnx "${onnx[1]}" --onnx "${onnx[2]}" --lengths 128 --threads "$threads" \
      --json "${BENCH_ARGS[@]}" > "$RUNS/bench.json.tmp"
    mv "$RUNS/bench.json.tmp" "$RUNS/bench.json"
  fi

  stage "report: $RUNS/report/report.md"
  "$bin/export-onnx" report --out "$RUNS/report" --bench "$RUNS/bench.json" --metric "$METRIC" \
    --curve "teacher,$RUNS/teacher/metrics.jsonl" --curve "student,$RUNS/student/metrics.jsonl" \
    --model "teacher,$RUNS/teacher/best,${onnx[0]},$RUNS/onnx/teacher/dev-metrics.json" \
    --model "student,$RUNS/student/best,${onnx[1]},$RUNS/onnx/student/dev-metrics.json" \
    --model "student int8,$RUNS/student/best,${onnx[2]},$RUNS/onnx/student-int8/dev-metrics.json"
}
