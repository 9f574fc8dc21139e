# The deployment half of a pipeline (sourced after lib/chain.sh, then `deploy` is called after `chain`):
#   export the teacher and the student as optimised fp32 ONNX and the student as int8 → evaluate each ONNX model
#   on dev with `export-onnx predict --eval` (the metric code of `distill-student eval`) → time them side by side
#   with `export-onnx bench` → `export-onnx report`: the table, training curves and accuracy against latency.
# Outputs under $RUNS/onnx/<model>/ (the export directory: onnx/model.onnx, config.json, tokenizer files, vocab.txt;
# then dev-predictions.jsonl, dev-metrics.json), $RUNS/bench.json and $RUNS/report/. A rerun skips every output
# that is complete and newer than its inputs: an export is complete once config.json (written last, after the
# parity-checked onnx/model.onnx and the tokenizer files) exists;
# metrics and bench figures are written under a temporary name and renamed.
# The caller sets, besides chain's settings: BENCH_ARGS (array, e.g. --iterations 30), METRIC (the dev metric
# of the table and plots, e.g. accuracy) and optionally DEPLOY (the models; see deploy).

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
  newer "$out/config.json" "$model/model.safetensors" && [ -s "$out/onnx/model.onnx" ] && [ -s "$out/tokenizer.json" ] && return 0
  stage "export: $name from $model $*"
  "$bin/export-onnx" export --model "$model" --out "$out" --optimize --threads "$threads" "$@"
}

evaluate_onnx() { # NAME
  local out="$RUNS/onnx/$1"
  if ! newer "$out/dev-metrics.json" "$out/onnx/model.onnx"; then
    "$bin/export-onnx" predict --onnx "$out" --data "$DEV" --out "$out/dev-predictions.jsonl" --eval --json \
      --threads "$threads" > "$out/dev-metrics.json.tmp"
    mv "$out/dev-metrics.json.tmp" "$out/dev-metrics.json"
  fi
  stage "$1 (ONNX) on dev: $(cat "$out/dev-metrics.json")"
}

# DEPLOY (array, set by the caller; default below): one "NAME|RUN|LABEL|EXPORT FLAGS" per model, in table order:
# RUN is the training run under $RUNS whose best/ is exported, LABEL the name in the table and plots.
deploy() {
  local default=("teacher|teacher|teacher|" "student|student|student|" "student-int8|student|student int8|--int8")
  local entries=("${DEPLOY[@]:-${default[@]}}") entry name run label flags onnx=() bench=() models=() curves=()
  for entry in "${entries[@]}"; do
    IFS='|' read -r name run label flags <<< "$entry"
    # shellcheck disable=SC2086 # flags are words
    export_onnx "$name" "$RUNS/$run/best" $flags
    evaluate_onnx "$name"
    onnx+=("$RUNS/onnx/$name/onnx/model.onnx")
    bench+=(--onnx "$RUNS/onnx/$name")
    models+=(--model "$label,$RUNS/$run/best,$RUNS/onnx/$name/onnx/model.onnx,$RUNS/onnx/$name/dev-metrics.json")
    [ -z "$flags" ] && curves+=(--curve "$label,$RUNS/$run/metrics.jsonl")
  done

  if ! newer "$RUNS/bench.json" "${onnx[@]}"; then
    stage "bench: batch 1 latency and throughput at 128 tokens"
    "$bin/export-onnx" bench "${bench[@]}" --lengths 128 --threads "$threads" --json "${BENCH_ARGS[@]}" > "$RUNS/bench.json.tmp"
    mv "$RUNS/bench.json.tmp" "$RUNS/bench.json"
  fi

  stage "report: $RUNS/report/report.md"
  "$bin/export-onnx" report --out "$RUNS/report" --bench "$RUNS/bench.json" --metric "$METRIC" "${curves[@]}" "${models[@]}"
}
