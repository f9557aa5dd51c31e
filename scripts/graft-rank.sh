#!/usr/bin/env bash
# scripts/graft-rank.sh: runs one rank of a graft job. Started by srun, mpirun, mpiexec or jsrun
# once per rank as `graft-rank.sh NODE MAIN.js ARGS…`; it narrows CUDA_VISIBLE_DEVICES to this
# rank's GPU(s), worked out by dist/cluster/rank-env.js from the scheduler's variables (see
# gpusForRank in src/cluster/gpu-affinity.ts), then replaces itself with graft, so the
# launcher sees graft's own exit status and signals.
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: graft-rank.sh NODE MAIN.js [ARGS…]" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Assigned first so that a failure of rank-env.js stops the rank (set -e sees it here).
exports=$("$1" "$here/../dist/cluster/rank-env.js")
eval "$exports"
exec "$@"
