#!/usr/bin/env bash
# scripts/slurm-local.sh: a real one-node Slurm on this machine, for trying `graft submit
# --scheduler slurm` and for the tests that run jobs through it. Needs root and Debian's
# slurm-wlm and munge (apt-get install -y --no-install-recommends slurm-wlm munge).
#
#   scripts/slurm-local.sh start    write /etc/slurm/slurm.conf, start munged, slurmctld, slurmd
#   scripts/slurm-local.sh stop     stop the three daemons this script started
#   scripts/slurm-local.sh status   exit 0 when the node takes jobs
#
# It writes /etc/slurm/slurm.conf only where there is none or where it wrote the one there.
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker='# written by graft scripts/slurm-local.sh'

die() { echo "slurm-local: $*" >&2; exit 1; }

node_ready() {
  sinfo --noheader --Format=StateCompact 2>/dev/null | grep -Eq '^(idle|mix|alloc)'
}

write_conf() {
  if [[ -f $conf ]] && ! grep -qF "$marker" "$conf"; then
    die "$conf exists and was not written by this script; stop, or move it aside"
  fi
  local host mem
  host=$(hostname -s)
  mem=$(( $(free -m | awk '/^Mem:/ {print $2}') * 9 / 10 ))
  local addr=
  getent hosts "$host" >/dev/null || addr="NodeAddr=127.0.0.1"
  install -d /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  cat >"$conf" <<EOF
$marker
ClusterName=graft-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
NodeName=$host $addr CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start() {
  [[ $(id -u) -eq 0 ]] || die "needs root (it starts the Slurm and munge daemons)"
  command -v slurmctld >/dev/null && command -v munged >/dev/null \
    || die "slurm-wlm and munge are not installed: apt-get install -y --no-install-recommends slurm-wlm munge"
  if node_ready; then echo "slurm-local: already running"; return; fi
  write_conf
  install -d -o munge -g munge /run/munge
  # munged refuses a key it does not own; run it as its own user (as Debian's unit does).
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
  fi
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 1 60); do
    if node_ready; then echo "slurm-local: node $(hostname -s) takes jobs"; return; fi
    sleep 0.5
  done
  die "the node did not come up within 30 s; see /var/log/slurm/slurmctld.log and slurmd.log"
}

stop_pid() {
  local file=$1
  [[ -f $file ]] || return 0
  local pid
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

stop() {
  stop_pid /run/slurmd.pid
  stop_pid /run/slurmctld.pid
  stop_pid /run/munge/munged.pid
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) node_ready ;;
  *) die "usage: $0 start|stop|status" ;;
esac
