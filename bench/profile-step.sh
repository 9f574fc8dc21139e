#!/usr/bin/env bash
# Where a training step's time goes (issue 20 §1): runs COMMAND (a distill-student train or distill run), waits until
# its progress shows it is past start-up, samples it with perf for SECONDS, stops it and prints the flat profile
# grouped into what the issue asks about:
#   matmul        the GEMM kernels (MKL, oneDNN, OpenBLAS): the model's own arithmetic
#   kernel        the Linux kernel (page faults on fresh allocations, clearing pages, syscalls)
#   fill/copy     filling and copying memory (zero_, fill_, memset, memcpy, copy_)
#   other torch   the rest of LibTorch's kernels (element-wise maths, reductions, softmax, LayerNorm, dropout, AdamW)
#   managed       .NET code (named through DOTNET_PerfMapEnabled), the .NET runtime and GC
#   other         everything else
# and the top symbols, each with its share of the samples. The run writes its outputs to a scratch directory that is
# removed afterwards, so pass no --out in COMMAND.
# Usage: profile-step.sh [--seconds 20] [--warmup 3] [--frequency 499] [--report FILE] -- COMMAND...
#   --warmup: seconds to wait after the first progress line ("train K/N") before sampling
#   --report: keep the full `perf report` text there (default: a temporary file)
set -euo pipefail
usage="usage: profile-step.sh [--seconds S] [--warmup S] [--frequency HZ] [--report FILE] -- COMMAND..."
seconds=20 warmup=3 frequency=499 report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --frequency) frequency="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
command -v perf > /dev/null || { echo "profile-step: perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 2; }

scratch="$(mktemp -d)"
trap 'kill "$pid" 2> /dev/null || true; rm -rf "$scratch"' EXIT
[ -n "$report" ] || report="$scratch/report.txt"
# The perf map names the JIT-compiled frames; without it they are anonymous addresses.
DOTNET_PerfMapEnabled=1 "$@" --out "$scratch/run" > "$scratch/log" 2>&1 &
pid=$!
until grep -qE '^(train|distill) [0-9]+/' "$scratch/log"; do
  kill -0 "$pid" 2> /dev/null || { echo "profile-step: the command ended before its first step:" >&2; tail -5 "$scratch/log" >&2; exit 1; }
  sleep 0.5
done
sleep "$warmup"
perf record -q -F "$frequency" -p "$pid" -o "$scratch/perf.data" -- sleep "$seconds" 2> /dev/null
kill "$pid" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
perf report -i "$scratch/perf.data" --no-children --sort dso,sym --stdio --percent-limit 0 2> /dev/null > "$report"

# Lines of the report: "  12.34%  libtorch_cpu.so  [.] symbol"
awk -v seconds="$seconds" '
  /^ *[0-9.]+%/ {
    share = $1; sub("%", "", share); dso = $2
    sym = $0; sub(/^[^]]*\] /, "", sym)
    group = "other"
    if (dso ~ /kernel/) group = "kernel"
    else if (sym ~ /gemm|brgemm|jit_avx|jit_uni|dnnl|mkl_blas|xbyak/) group = "matmul"
    else if (sym ~ /(^|[^a-z])(fill|zero|memset|memcpy|memmove|copy_)/) group = "fill/copy"
    else if (dso ~ /libtorch|libc10|libgomp|libiomp|libmkl/) group = "other torch"
    else if (dso ~ /perf-[0-9]+\.map|libcoreclr|libclrjit|System\.|\[unknown\]/) group = "managed"
    total[group] += share
    # The element-wise loops of LibTorch are templates named after their kernel (mul_kernel, bernoulli_kernel): show that.
    name = sym; rest = sym; kernel = ""
    while (kernel == "" && match(rest, /[a-z][a-z0-9]*(_[a-z0-9]+)*_kernel/)) {
      k = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
      if (k !~ /^(cpu|cpu_serial|serial|vec)_kernel$/) kernel = k
    }
    if (kernel != "") name = kernel
    if (shown < 25) { printf "  %6.2f%%  %-12s %-18s %s\n", share, group, dso, substr(name, 1, 90); shown++ }
  }
  END {
    printf "\ngroups (%s s sampled):\n", seconds
    n = split("matmul,other torch,fill/copy,kernel,managed,other", order, ",")
    for (i = 1; i <= n; i++) printf "  %-12s %6.2f%%\n", order[i], total[order[i]]
  }' "$report"
