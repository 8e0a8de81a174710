#!/usr/bin/env bash
# Times two builds of spfflow against each other on the 2° MM-DiT shapes of `spfflow bench scaling --parts torch`
# (Swift side only), in alternated pairs, and prints each side's medians and the median of the per-pair ratios.
#   bench/alternate_builds.sh BASE_SPFFLOW NEW_SPFFLOW [PAIRS (default 20)]
# Odd pairs run base first, even pairs new first, so a machine that speeds up or slows down during the run does not
# favour one side. The PyTorch side is skipped: --python points at a script that prints placeholder torch figures.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BASE_SPFFLOW NEW_SPFFLOW [PAIRS]" >&2; exit 2; fi
base=$1 new=$2 pairs=${3:-20}
for bin in "$base" "$new"; do [ -x "$bin" ] || { echo "$0: not an executable: $bin" >&2; exit 2; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#!/bin/sh\necho "figure torch_train_step_ms = 1.0 ms"\necho "figure torch_sample_pass_ms = 1.0 ms"\n' > "$work/no-torch"
chmod +x "$work/no-torch"
root=$(cd "$(dirname "$0")/.." && pwd)
for i in $(seq 1 "$pairs"); do
    if [ $((i % 2)) -eq 1 ]; then order="base new"; else order="new base"; fi
    for side in $order; do
        bin=$base; [ "$side" = new ] && bin=$new
        figures=$(cd "$root" && "$bin" bench scaling --parts torch --rounds 1 --python "$work/no-torch" 2>&1 \
            | awk '$2 == "mmdit_train_step_ms_r144x96" || $2 == "mmdit_sample_pass_ms_r144x96" { printf "%s ", $4 }')
        [ -n "$figures" ] || { echo "$0: $bin printed no step figures" >&2; exit 1; }
        echo "$i $side $figures" | tee -a "$work/pairs"
    done
done
python3 - "$work/pairs" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    pair, side, train, sample = line.split()
    runs.setdefault(pair, {})[side] = (float(train), float(sample))
for k, name in ((0, "training step"), (1, "sampling pass")):
    base = [r["base"][k] for r in runs.values()]
    new = [r["new"][k] for r in runs.values()]
    ratios = [r["new"][k] / r["base"][k] for r in runs.values()]
    print(f"{name}: base median {statistics.median(base):.1f} ms, new median {statistics.median(new):.1f} ms, "
          f"new/base median of pairs {statistics.median(ratios):.3f}, new faster in {sum(x < 1 for x in ratios)} of {len(ratios)}")
PY
