#!/usr/bin/env bash
# Generates Java from et4j's .fbs files with the flatc unpacked from Maven Central.
# Usage: generate-java.sh FLATC_DIR FBS_DIR OUT_DIR
set -euo pipefail
flatc_dir=$1 fbs_dir=$2 out_dir=$3
flatc=$(find "$flatc_dir" -type f -name flatc | head -n 1)
if [[ -z "$flatc" ]]; then
  echo "flatc not found under $flatc_dir" >&2
  exit 1
fi
chmod +x "$flatc"
rm -rf "$out_dir"
mkdir -p "$out_dir"
"$flatc" --java --gen-all -o "$out_dir" -I "$fbs_dir" \
  "$fbs_dir/program.fbs" "$fbs_dir/flat_tensor.fbs" "$fbs_dir/bundled_program.fbs" \
  "$fbs_dir/etdump.fbs" "$fbs_dir/xnnpack_graph.fbs"
