#!/usr/bin/env bash
# scripts/install-mpi.sh: installs MPI for multi-rank runs from the distribution's packages
# (Open MPI on Debian/Ubuntu: openmpi-bin for mpirun, libopenmpi-dev for mpicc and headers),
# then rebuilds graft's MPI addon if the package's dependencies are installed already.
# Usage: sudo scripts/install-mpi.sh      (as root; uses sudo by itself when it is on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v mpicc >/dev/null && command -v mpirun >/dev/null; then
  echo "install-mpi: MPI is installed already: $(mpirun --version 2>/dev/null | head -n 1)"
else
  if ! command -v apt-get >/dev/null; then
    echo "install-mpi: no apt-get here; install Open MPI or MPICH (with its mpicc) from your system's packages" >&2
    exit 1
  fi
  run=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-mpi: run as root (or install sudo)" >&2; exit 1; }
    run=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${run[@]}" apt-get update -qq
  "${run[@]}" apt-get install -y -qq openmpi-bin libopenmpi-dev
  echo "install-mpi: installed $(mpirun --version 2>/dev/null | head -n 1)"
fi

if [ -d node_modules/node-addon-api ]; then
  node scripts/build-native.mjs --force
else
  echo "install-mpi: now run 'npm ci'; it builds the MPI addon"
fi
