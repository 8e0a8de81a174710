#!/usr/bin/env bash
# make fuzz: libFuzzer on the two parsers of user input, the manifest loader and the CF netCDF
# reader (Fuzz/), SECONDS each (default 300), from seed corpora: the shipped manifests, and real
# CMIP6 files (esmvaltool-sample-data) plus odd netCDF files scripts/fuzz_seeds.py writes.
# Prints figure fuzz_execs_manifest, fuzz_execs_cf and fuzz_crashes (must be 0); crashing inputs
# are kept under .fuzz/crashes/ for a regression test (Tests/ClimateDataTests/FuzzRegressionTests).
set -euo pipefail
seconds="${1:-300}"
python="${PYTHON:-python3}"
cd "$(dirname "$0")/.."
work="${FUZZ_WORK:-.fuzz}"
mkdir -p "$work/corpus-manifest" "$work/corpus-cf" "$work/crashes"
cp Manifests/*.yaml "$work/corpus-manifest/"
find .testdata -name '*.nc' -size -120k | sort | head -24 | while read -r f; do cp "$f" "$work/corpus-cf/"; done
"$python" scripts/fuzz_seeds.py "$work/corpus-cf"

echo "building the fuzz targets (Fuzz/, -sanitize=fuzzer)"
swift build -c release --package-path Fuzz --scratch-path "$PWD/.build-fuzz" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library 2>&1 | grep -E "error|warning: unre|Compiling Fuzz|Build complete" || true
bin="$PWD/.build-fuzz/release"
[ -x "$bin/FuzzManifest" ] && [ -x "$bin/FuzzCF" ] || { echo "fuzz targets did not build" >&2; exit 2; }

crashes=0
for target in manifest cf; do
    exe="$bin/FuzzManifest"; [ "$target" = cf ] && exe="$bin/FuzzCF"
    corpus_size=$(ls "$work/corpus-$target" | wc -l)
    log="$work/fuzz-$target.log"
    echo "fuzzing $target for $seconds s from $corpus_size seed(s)"
    set +e
    "$exe" "$work/corpus-$target" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=4096 -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/$target-" >"$log" 2>&1
    status=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    found=$(ls "$work/crashes" | grep -c "^$target-" || true)
    crashes=$((crashes + found))
    echo "$target: exit $status, ${execs:-0} executions, corpus now $(ls "$work/corpus-$target" | wc -l) inputs, $found crash(es)"
    [ "$found" -gt 0 ] && grep -E "ERROR|Fatal|SUMMARY" "$log" | head -5
    echo "figure fuzz_execs_$target = ${execs:-0} executions"
done
echo "figure fuzz_crashes = $crashes crashes"
[ "$crashes" -eq 0 ]
