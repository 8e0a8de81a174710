#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, for trying `spfflow run --executor slurm` and for the tests.
#   scripts/slurm-local.sh start   # install what is missing (root), start munged, slurmctld, slurmd;
#                                  # exit 0 once the node is idle, non-zero with the reason otherwise
#   scripts/slurm-local.sh stop    # stop the three daemons by their PIDs
#   scripts/slurm-local.sh status  # exit 0 if the node is up (idle, mixed or allocated)
# It writes /etc/slurm/slurm.conf (and cgroup.conf) only when absent or written by this script, so it
# never overwrites the configuration of a real cluster. Verified with Debian 12's Slurm 22.05.
# Memory is enforced as on a production cluster: a job over its --mem is killed and ends
# OUT_OF_MEMORY (task/cgroup with ConstrainRAMSpace where the cgroup v1 memory controller is
# writable; otherwise jobacct_gather/linux with OverMemoryKill, which samples every second).
set -uo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
CGROUP_CONF="$CONF_DIR/cgroup.conf"
MARKER="# written by spfflow scripts/slurm-local.sh"
STATE_DIR=/var/lib/slurm
LOG_DIR=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
PACKAGES=(slurmctld slurmd slurm-client munge)
WAIT_SECONDS=${SLURM_LOCAL_WAIT:-30}

fail() { echo "slurm-local: $*" >&2; exit 1; }
say() { echo "slurm-local: $*"; }

# True when the pid file names a live process.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { sinfo -h -n localhost -o %t 2>/dev/null | head -n 1; }

install_packages() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        fail "missing packages ${missing[*]}; run as root: apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed"
}

start_munge() {
    if alive "$MUNGE_PID"; then return 0; fi
    install -d -o munge -g munge -m 0755 /run/munge || fail "cannot create /run/munge"
    [ -f /etc/munge/munge.key ] || fail "/etc/munge/munge.key is missing (reinstall munge)"
    chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
    runuser -u munge -- /usr/sbin/munged 9>&- || fail "munged did not start (see /var/log/munge/munged.log)"
    local i
    for i in $(seq 1 50); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    fail "munge does not answer: $(munge -n 2>&1 | unmunge 2>&1 | head -n 3 | tr '\n' ' ')"
}

# True when Slurm's task/cgroup can confine a job's memory here: a writable cgroup v1 memory controller.
memory_cgroup_usable() {
    local root=/sys/fs/cgroup/memory probe ok=1
    [ -f "$root/memory.limit_in_bytes" ] || return 1
    probe="$root/spfflow-probe.$$"
    mkdir "$probe" 2>/dev/null || return 1
    echo 67108864 >"$probe/memory.limit_in_bytes" 2>/dev/null && ok=0
    rmdir "$probe" 2>/dev/null || true
    return $ok
}

write_cgroup_conf() {
    if [ -f "$CGROUP_CONF" ] && ! grep -qF "$MARKER" "$CGROUP_CONF"; then
        fail "$CGROUP_CONF exists and was not written by this script; not touching a real cluster's configuration"
    fi
    local tmp="$CGROUP_CONF.tmp.$$"
    cat >"$tmp" <<EOF
$MARKER
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainCores=no
ConstrainDevices=no
ConstrainRAMSpace=yes
ConstrainSwapSpace=yes
AllowedRAMSpace=100
AllowedSwapSpace=0
EOF
    mv "$tmp" "$CGROUP_CONF"
}

write_conf() {
    if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
        fail "$CONF exists and was not written by this script; not touching a real cluster's configuration"
    fi
    local hw
    hw=$(slurmd -C 2>/dev/null | head -n 1) || true
    [ -n "$hw" ] || fail "slurmd -C printed nothing"
    # slurmd -C prints "NodeName=<host> CPUs=... RealMemory=..."; keep the hardware fields only.
    hw=$(echo "$hw" | sed -e 's/^NodeName=[^ ]* //' -e 's/ *UpTime=.*$//')
    mkdir -p "$CONF_DIR" "$STATE_DIR/slurmctld" "$STATE_DIR/slurmd" "$LOG_DIR"
    chown slurm:slurm "$STATE_DIR/slurmctld" "$STATE_DIR/slurmd" "$LOG_DIR" 2>/dev/null || true
    local enforcement
    if memory_cgroup_usable; then
        write_cgroup_conf
        enforcement="ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
JobAcctGatherType=jobacct_gather/cgroup
JobAcctGatherFrequency=task=1"
    else
        enforcement="ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill"
    fi
    local tmp="$CONF.tmp.$$"
    cat >"$tmp" <<EOF
$MARKER
ClusterName=spflocal
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
MpiDefault=none
$enforcement
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$STATE_DIR/slurmctld
SlurmdSpoolDir=$STATE_DIR/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
NodeName=localhost $hw State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$tmp" "$CONF"
}

start() {
    # sinfo retries for seconds when no controller answers: ask it only when one runs.
    alive "$CTLD_PID" && case "$(node_state)" in
        idle|mix|mixed|alloc|allocated) say "already running (node $(node_state))"; exit 0 ;;
    esac
    install_packages
    start_munge
    write_conf
    if ! alive "$CTLD_PID"; then
        /usr/sbin/slurmctld 9>&- || fail "slurmctld did not start: $(tail -n 3 "$LOG_DIR/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
    fi
    # A second slurmd would kill the first through the pid file: start one only if none runs.
    if ! alive "$SLURMD_PID"; then
        /usr/sbin/slurmd -N localhost 9>&- || fail "slurmd did not start: $(tail -n 3 "$LOG_DIR/slurmd.log" 2>/dev/null | tr '\n' ' ')"
    fi
    local deadline=$((SECONDS + WAIT_SECONDS)) state=""
    while [ $SECONDS -lt $deadline ]; do
        state=$(node_state)
        case "$state" in
            idle|mix|mixed|alloc|allocated) say "node localhost is $state"; exit 0 ;;
            down*|drain*|fail*)
                # ReturnToService=2 normally brings it back; resume once explicitly.
                scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
        esac
        sleep 0.2
    done
    local reason
    reason=$(scontrol show node localhost 2>&1 | grep -o 'Reason=.*' | head -n 1)
    fail "node not idle after ${WAIT_SECONDS}s (state '${state:-unknown}'${reason:+, $reason}); logs in $LOG_DIR"
}

stop_one() {
    local name="$1" pidfile="$2" pid i
    alive "$pidfile" || return 0
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || { say "stopped $name ($pid)"; return 0; }
        sleep 0.1
    done
    echo "slurm-local: $name ($pid) did not stop within 5 s" >&2
    return 1
}

stop() {
    local rc=0
    stop_one slurmd "$SLURMD_PID" || rc=1
    stop_one slurmctld "$CTLD_PID" || rc=1
    stop_one munged "$MUNGE_PID" || rc=1
    exit $rc
}

status() {
    local state=""
    alive "$CTLD_PID" && state=$(node_state)
    case "$state" in
        idle|mix|mixed|alloc|allocated) say "node localhost is $state"; exit 0 ;;
        *) fail "node localhost is ${state:-not reachable}" ;;
    esac
}

# The daemons keep every descriptor they inherit. Close what the caller left open beyond 0-2 (bash reads
# this script through 255), so no daemon holds a caller's pipe open: a reader of that pipe would wait for
# end-of-file for ever (a test process starting Slurm while another test reads a child's output).
close_inherited() {
    local fd
    for fd in $(ls /proc/$$/fd); do
        case "$fd" in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
    done
}

# One start or stop at a time (tests in parallel may all ask for a running cluster).
lock_once() {
    exec 9>"${TMPDIR:-/tmp}/spfflow-slurm-local.lock" && flock -w 120 9 || fail "could not take the lock ${TMPDIR:-/tmp}/spfflow-slurm-local.lock"
}

close_inherited
case "${1:-}" in
    start) lock_once; start ;;
    stop) lock_once; stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
