#!/usr/bin/env bash
# Installs the Python packages the tests compare against (pip), unpacks the real CMIP6
# sample files (esmvaltool-sample-data 0.0.4, a PyPI package) into the test-data folder, and the
# CF standard-name table cfchecks needs (it would download it; the compliance-checker 6.1.0 wheel
# ships version 93) as <testdata>/cf-tables/cf-standard-name-table.xml.
set -euo pipefail
python="$1"; testdata="$2"; shift 2
missing=()
for p in "$@"; do
    if [[ "$p" == *==* ]]; then
        # A pinned package (name==version): installed at exactly that version?
        "$python" -c "import importlib.metadata as m, sys; sys.exit(m.version('${p%%==*}') != '${p##*==}')" 2>/dev/null || missing+=("$p")
        continue
    fi
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
if [ ! -f "$testdata/cf-tables/cf-standard-name-table.xml" ]; then
    echo "fetching the CF standard-name table (compliance-checker 6.1.0 wheel) from PyPI"
    tmp=$(mktemp -d)
    "$python" -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" compliance-checker==6.1.0
    mkdir -p "$testdata/cf-tables"
    "$python" -c "import sys, zipfile; open(sys.argv[2], 'wb').write(zipfile.ZipFile(sys.argv[1]).read('compliance_checker/data/cf-standard-name-table.xml'))" \
        "$tmp"/*.whl "$testdata/cf-tables/cf-standard-name-table.xml.partial"
    mv "$testdata/cf-tables/cf-standard-name-table.xml.partial" "$testdata/cf-tables/cf-standard-name-table.xml"
    rm -rf "$tmp"
fi
