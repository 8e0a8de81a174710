#!/usr/bin/env bash
# Installs the Python packages the tests compare against (pip), and unpacks the real CMIP6
# sample files (esmvaltool-sample-data 0.0.4, a PyPI package) into the test-data folder.
set -euo pipefail
python="$1"; testdata="$2"; shift 2
missing=()
for p in "$@"; do
    mod="$p"; [ "$p" = "netCDF4" ] || mod=$(echo "$p" | tr 'A-Z-' 'a-z_')
    "$python" -c "import $mod" 2>/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Python packages: ${missing[*]}"
    "$python" -m pip install -q --disable-pip-version-check "${missing[@]}"
fi
mkdir -p "$testdata"
if [ ! -f "$testdata/esmvaltool_sample_data/.complete" ]; then
    echo "fetching esmvaltool-sample-data 0.0.4 (real CMIP6 files) from PyPI"
    tmp=$(mktemp -d)
    "$python" -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" esmvaltool-sample-data==0.0.4
    rm -rf "$testdata/esmvaltool_sample_data"
    "$python" -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$tmp"/*.whl "$testdata"
    rm -rf "$tmp"
    touch "$testdata/esmvaltool_sample_data/.complete"
fi
