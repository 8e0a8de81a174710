#!/usr/bin/env bash
# make fuzz: libFuzzer on the two parsers of user input, the manifest loader and the CF netCDF
# reader (Fuzz/), SECONDS each (default 300), from seed corpora: the shipped manifests, and real
# CMIP6 files (esmvaltool-sample-data) plus odd netCDF files scripts/fuzz_seeds.py writes.
# libFuzzer is started again after a crash until the time is spent. scripts/fuzz_triage.py reads each
# crash's stack in the log: one whose innermost frames are in a system library (libhdf5, libnetcdf)
# before any of spfflow's code counts in fuzz_crashes_in_system_libraries, every other (and every
# hang past 20 s in spfflow's code) in fuzz_crashes.
# Prints figure fuzz_execs_manifest, fuzz_execs_cf, fuzz_crashes (must be 0) and
# fuzz_crashes_in_system_libraries; crashing inputs are kept under .fuzz/crashes/.
set -euo pipefail
seconds="${1:-300}"
python="${PYTHON:-python3}"
cd "$(dirname "$0")/.."
work="${FUZZ_WORK:-.fuzz}"
mkdir -p "$work/corpus-manifest" "$work/corpus-cf" "$work/crashes"
cp Manifests/*.yaml "$work/corpus-manifest/"
find .testdata -name '*.nc' -size -120k | sort | head -24 | while read -r f; do cp "$f" "$work/corpus-cf/"; done
"$python" scripts/fuzz_seeds.py "$work/corpus-cf"

# AddressSanitizer's malloc catches a C library's double or invalid free where it happens, instead of
# a corrupted heap failing later somewhere else.
echo "building the fuzz targets (Fuzz/, -sanitize=fuzzer,address)"
if ! swift build -c release --package-path Fuzz --scratch-path "$PWD/.build-fuzz" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$work/build.log" 2>&1; then
    grep -E "error" "$work/build.log" | head -20 >&2
    echo "the fuzz targets did not build (log: $work/build.log)" >&2
    exit 2
fi
bin="$PWD/.build-fuzz/release"

crashes=0
library_crashes=0
# Swift's own crash backtracer would take a trap (SIGILL) before libFuzzer can save the input.
export SWIFT_BACKTRACE=enable=no
# LeakSanitizer reads Swift's lazily initialised globals (a kind's `params`, built once) as leaks.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for target in manifest cf; do
    exe="$bin/FuzzManifest"; [ "$target" = cf ] && exe="$bin/FuzzCF"
    corpus_size=$(ls "$work/corpus-$target" | wc -l)
    log="$work/fuzz-$target.log"
    : >"$log"
    echo "fuzzing $target for $seconds s from $corpus_size seed(s)"
    # libFuzzer stops at a crash: start it again on the grown corpus until the time is spent.
    execs=0; deadline=$(( $(date +%s) + seconds )); status=0
    while [ "$(date +%s)" -lt "$deadline" ]; do
        left=$(( deadline - $(date +%s) )); [ "$left" -ge 5 ] || break
        set +e
        # A hang inside a corrupted heap can deadlock libFuzzer's own timeout handler: kill it from outside.
        timeout -s KILL $(( left + 60 )) \
            "$exe" "$work/corpus-$target" -max_total_time="$left" -max_len=262144 -rss_limit_mb=4096 -timeout=20 \
            -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/crashes/$target-" >"$log.run" 2>&1
        status=$?
        set -e
        cat "$log.run" >>"$log"
        run=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log.run" | grep -o '[0-9]*$' | tail -1 || true)
        [ -n "$run" ] || run=$(grep -oE '^#[0-9]+' "$log.run" | tr -d '#' | sort -n | tail -1 || true)
        execs=$(( execs + ${run:-0} ))
        [ "$status" -ne 0 ] || break
        # An input that crashes only under AddressSanitizer may already be in the corpus: take it out,
        # or every restart stops on it.
        for crash in "$work/crashes/$target-"*; do
            [ -f "$crash" ] || continue
            case "$crash" in *.txt) continue ;; esac
            sum=$(sha1sum "$crash" | cut -d' ' -f1)
            for f in "$work/corpus-$target"/*; do
                [ "$(sha1sum "$f" | cut -d' ' -f1)" = "$sum" ] && rm -f "$f"
            done
        done
    done
    rm -f "$log.run"
    triage=$("$python" scripts/fuzz_triage.py "$log")
    echo "$triage" | sed '$d' | sed 's/^/  /'
    read -r ours theirs <<<"$(echo "$triage" | tail -1)"
    crashes=$((crashes + ours)); library_crashes=$((library_crashes + theirs))
    echo "$target: exit $status, ${execs:-0} executions, corpus now $(ls "$work/corpus-$target" | wc -l) inputs, $ours crash(es) in spfflow, $theirs in system libraries"
    echo "figure fuzz_execs_$target = ${execs:-0} executions"
done
echo "figure fuzz_crashes = $crashes crashes"
echo "figure fuzz_crashes_in_system_libraries = $library_crashes crashes"
[ "$crashes" -eq 0 ]
