#!/usr/bin/env bash
# scripts/graft-launch.sh: the end of every graft batch script (Slurm, PBS, LSF), as
#   graft-launch.sh OUT_DIR LAUNCHER [LAUNCHER ARGS…] -- SEARCH COMMAND…
# A run directory that already holds a journal (a requeued or rerun job, or one submitted again
# after its time ran out) is resumed: `--resume OUT_DIR` is added to the search command. The
# launcher runs in the background so that a USR1 sent to the batch shell (the scheduler's
# warning before the time limit, or `scancel --batch -s USR1`, `qsig -s USR1`, `bkill -s USR1`)
# is passed on to it at once; it passes it on to the ranks, which stop proposing and record
# what is in flight. The script exits with the launcher's status.
set -euo pipefail

if [ "$#" -lt 4 ]; then
  echo "usage: graft-launch.sh OUT_DIR LAUNCHER [ARGS…] -- SEARCH COMMAND…" >&2
  exit 2
fi
out_dir=$1
shift
launcher=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  launcher+=("$1")
  shift
done
shift
search=("$@")

if [[ -f "$out_dir/journal.jsonl" && " ${search[*]} " != *" --resume "* ]]; then
  echo "graft: resuming the search in $out_dir${SLURM_RESTART_COUNT:+ (restart $SLURM_RESTART_COUNT)}" >&2
  search+=(--resume "$out_dir")
fi

pid=
trap '[[ -n "$pid" ]] && kill -USR1 "$pid" 2>/dev/null || true' USR1
"${launcher[@]}" "${search[@]}" &
pid=$!
# bash runs a trap only between commands, and a wait cut short by one returns early (status
# > 128): wait again until the launcher has ended; a last wait gives its own status, which
# bash keeps for an ended child.
while :; do
  status=0
  wait "$pid" || status=$?
  kill -0 "$pid" 2>/dev/null || break
done
if wait "$pid" 2>/dev/null; then status=0; else last=$?; (( last == 127 )) || status=$last; fi
exit "$status"
