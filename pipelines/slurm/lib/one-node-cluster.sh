# A private one-node Slurm cluster on this machine, its daemons children of the calling shell (so that the
# caller's exit, or a kill of its process tree, takes them along). Sourced by local-cluster.sh and
# test-local-cluster.sh. Needs root: slurmd and munged start jobs as their users.
#   cluster_install        installs slurmctld, slurmd, slurm-client and munge from Debian's packages if missing
#   cluster_start DIR      own munge key and socket, slurm.conf, state and spool under DIR; ports 16817/16818;
#                          the node's CPUs and memory as `slurmd -C` reports them; no cgroups (proctrack/linuxproc,
#                          task/none); exports SLURM_CONF; returns once the node is idle
#   cluster_stop           cancels every job of the cluster and stops the daemons
# Each returns non-zero with a line on stderr saying why.
cluster_pids=()

cluster_install() {
  if command -v slurmctld > /dev/null && command -v slurmd > /dev/null && command -v sbatch > /dev/null && command -v munged > /dev/null; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || { echo "cluster: Slurm is not installed, and installing it needs root (this is uid $(id -u))" >&2; return 1; }
  echo "cluster: installing slurmctld, slurmd, slurm-client and munge from Debian's packages"
  local log=/tmp/distill-slurm-install.log
  { apt-get update -qq -o DPkg::Lock::Timeout=300 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends slurmctld slurmd slurm-client munge; } > "$log" 2>&1 \
    || { echo "cluster: apt-get could not install Slurm (see $log): $(tail -n 1 "$log")" >&2; return 1; }
}

cluster_start() {
  [ "$(id -u)" -eq 0 ] || { echo "cluster: slurmd and munged must run as root to start jobs, and this is uid $(id -u)" >&2; return 1; }
  local dir host node
  mkdir -p "$1"/{munge,slurm/state,slurm/spool}
  dir="$(cd "$1" && pwd)"
  export SLURM_CONF="$dir/slurm/slurm.conf"
  # munged refuses a key that others can read.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  munged --foreground --force --socket="$dir/munge/socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed" 2> "$dir/munge/munged.out" &
  cluster_pids+=($!)

  host="$(hostname)"
  node="$(slurmd -C | head -n 1)" # NodeName=HOST CPUs=.. Boards=.. SocketsPerBoard=.. CoresPerSocket=.. ThreadsPerCore=.. RealMemory=..
  cat > "$SLURM_CONF" << EOF
ClusterName=distill
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
StateSaveLocation=$dir/slurm/state
SlurmdSpoolDir=$dir/slurm/spool
SlurmctldPidFile=$dir/slurm/slurmctld.pid
SlurmdPidFile=$dir/slurm/slurmd.pid
SlurmctldLogFile=$dir/slurm/slurmctld.log
SlurmdLogFile=$dir/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# A job whose dependency failed is cancelled instead of pending forever.
DependencyParameters=kill_invalid_depend
MinJobAge=600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld -D -f "$SLURM_CONF" > "$dir/slurm/slurmctld.out" 2>&1 &
  cluster_pids+=($!)
  slurmd -D -f "$SLURM_CONF" > "$dir/slurm/slurmd.out" 2>&1 &
  cluster_pids+=($!)
  for _ in $(seq 1 60); do
    [ "$(sinfo -h -n "$host" -o %T 2> /dev/null)" = idle ] && { echo "cluster: one node up: $node; SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.5
  done
  echo "cluster: the node did not come up idle: $(sinfo 2>&1 | tail -n 1); see $dir/slurm/*.log" >&2
  return 1
}

cluster_stop() {
  [ ${#cluster_pids[@]} -gt 0 ] || return 0
  scancel --user="$(id -un)" 2> /dev/null || true # SLURM_CONF is this cluster's: no other is touched
  local pid
  for pid in "${cluster_pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${cluster_pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  cluster_pids=()
}
