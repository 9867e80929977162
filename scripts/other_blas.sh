#!/usr/bin/env bash
# Run the notebook tests with every kernel computing on another OpenBLAS kernel, as on a
# machine with another CPU: the stored outputs must still pass (tests/nbval_tolerance.py).
#
#   bash scripts/other_blas.sh [notebooks...]        (default: every chapter)
#   CORETYPE=Nehalem bash scripts/other_blas.sh      (another kernel; default Sandybridge)
#   CELL_TIMEOUT=1200 bash scripts/other_blas.sh     (per-cell timeout in s; default 300)
#
# The kernel type is set from inside each kernel, before NumPy loads (an IPython startup
# file under a temporary IPYTHONDIR), and the script checks that OpenBLAS really uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
coretype=${CORETYPE:-Sandybridge}
ipydir=$(mktemp -d)
trap 'rm -rf "$ipydir"' EXIT
mkdir -p "$ipydir/profile_default/startup"
cat > "$ipydir/profile_default/startup/00-other-blas.py" <<PY
import os
os.environ["OPENBLAS_CORETYPE"] = "$coretype"
import numpy, threadpoolctl
arch = {i.get("architecture") for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"}
with open("$ipydir/seen", "a") as f:
    f.write(",".join(sorted(map(str, arch))) + "\n")
PY
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(chapters)
IPYTHONDIR="$ipydir" .venv/bin/pytest "${notebooks[@]}" --nbval --nbval-current-env \
  --nbval-cell-timeout="${CELL_TIMEOUT:-300}" --nbval-kernel-startup-timeout=120 -p no:cacheprovider -n 2 --dist loadfile -q
seen=$(sort -u "$ipydir/seen" | tr '\n' ' ')
echo "OpenBLAS kernel seen by the notebook kernels: $seen(asked for $coretype)"
[ "$(sort -u "$ipydir/seen")" = "$coretype" ] || { echo "the kernels did not use $coretype" >&2; exit 1; }
