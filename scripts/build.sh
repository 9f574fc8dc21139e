#!/usr/bin/env bash
# Prepares the machine (scripts/bootstrap.sh), restores, and publishes cache-teacher, distill-student and
# export-onnx into artifacts/bin/. Idempotent; pass extra MSBuild arguments through, e.g. -p:TorchBackend=cuda.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/bootstrap.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "build: building cache-teacher, distill-student and export-onnx into artifacts/bin (minutes the first time, seconds when up to date)"
for project in CacheTeacher DistillStudent.Cli Export; do
  dotnet publish "src/$project/$project.csproj" -c Release -o artifacts/bin --nologo -v quiet "$@"
done
echo "build: executables in $root/artifacts/bin: cache-teacher, distill-student, export-onnx"
