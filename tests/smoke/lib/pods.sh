# shellcheck shell=bash
# Pods for the smoke suites (sourced): `rkt run` in the background, waiting for readiness and for the end,
# collecting with `rkt rm` or `rkt gc` (and destroying and reporting what they left), the PVH triple-fault retry.
# The current pod is U (its uuid) with its log folder L; RUNPID[U] is its `rkt run` process, which rkt turns into
# the stage1's run entrypoint by exec (so it is the pod's supervisor). Needs DATA, LOGS, ACI, READY_TIMEOUT and
# the rk wrapper (rkt.sh).

declare -A RUNPID=() T0=()
UUIDS=()
U="" L=""
ATTEMPT=""

# alive PID: the process exists and is not a zombie
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}

domain_exists() { xl domid "$1" >/dev/null 2>&1; }

# pod_dir: pod U's directory, in whichever state directory rkt keeps it (run/ while it runs and after it exited)
pod_dir() {
  local s
  for s in run exited-garbage prepared; do
    [ ! -d "$DATA/pods/$s/$U" ] || { echo "$DATA/pods/$s/$U"; return; }
  done
  echo "$DATA/pods/run/$U"
}

# app_root APP: where pod U's app APP sees its / (rkt's overlay mount while the pod exists)
app_root() { echo "$(pod_dir)/stage1/rootfs/opt/stage2/$1/rootfs"; }

# mounts_under DIR: how many mounts of dom0's mount table are at or below DIR
mounts_under() {
  awk -v d="$1" '{ p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) n++ } END { print n + 0 }' \
    /proc/self/mountinfo
}

# unmount_under DIR: unmounts everything at or below DIR, deepest first; prints how many it unmounted
unmount_under() {
  local m n=0
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    n=$((n + 1))
  done < <(awk -v d="$1" '{ p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) print length(p) " " p }' \
    /proc/self/mountinfo | sort -rn | cut -d' ' -f2-)
  echo "$n"
}

# new_log NAME: a fresh log folder L for the next pod
new_log() {
  L=$LOGS/$1$ATTEMPT
  rm -rf "$L"
  mkdir -p "$L"
}

# stamp_output DIR: copies a run's stdout to DIR/run.out; notes when the first byte and the end arrived
stamp_output() {
  local dir=$1 c
  if IFS= read -r -d '' -N 1 c; then
    now_ns >"$dir/first-output.ns"
    { printf '%s' "$c"; cat; } >"$dir/run.out"
  else
    : >"$dir/run.out"
  fi
  now_ns >"$dir/run-eof.ns"
}

# stage1_option: how a pod names its stage1. A suite's first pod gives rkt the image file (--stage1-path=ACI), which
# imports it into rkt's store; the others name it there (--stage1-name=STAGE1_NAME, the image's name:version), as a
# user who runs many pods does: every --stage1-path run imports the whole image again (under software emulation
# about a minute per pod, measured)
STAGE1_IMPORTED=0
stage1_option() {
  if [ "$STAGE1_IMPORTED" = 1 ]; then echo "--stage1-name=$STAGE1_NAME"; else echo "--stage1-path=$ACI"; fi
}

# start_pod NAME TYPE RUN-ARG...: `rkt run --stage1-…(stage1_option) RUN-ARG...` in the background, with the guest
# type forced (STAGE1_XEN_GUEST_TYPE; empty lets the stage1 pick), stdout in L/run.out and stderr in L/run.err;
# returns once rkt saved the pod's uuid (U), 1 when the run ended without one
start_pod() {
  launch_pod "$1" "$2" run "${@:3}"
}

# start_sandbox NAME TYPE SANDBOX-ARG...: `rkt app sandbox` as start_pod runs `rkt run`, with RKT_EXPERIMENT_APP=true
# exported for it and the `rkt app` commands that follow (the caller unsets it)
start_sandbox() {
  export RKT_EXPERIMENT_APP=true
  launch_pod "$1" "$2" "app sandbox" "${@:3}"
}

# launch_pod NAME TYPE VERB ARG...: rkt VERB (one or two words) with the stage1 and the uuid file, for start_pod
launch_pod() {
  local type=$2 t0 s1 verb
  new_log "$1"
  read -r -a verb <<<"$3"
  shift 3
  rk_command
  s1=$(stage1_option)
  t0=$(now_ns)
  STAGE1_XEN_GUEST_TYPE=$type "${RK_CMD[@]}" "${verb[@]}" --uuid-file-save="$L/uuid" "$s1" "$@" \
    </dev/null > >(stamp_output "$L") 2>"$L/run.err" &
  launched "$!" "$t0"
}

# start_prepared NAME TYPE UUID RUN-PREPARED-ARG...: `rkt run-prepared` of a pod `rkt prepare` made, as start_pod
start_prepared() {
  local type=$2 uuid=$3 t0
  new_log "$1"
  shift 3
  echo "$uuid" >"$L/uuid"
  rk_command
  t0=$(now_ns)
  STAGE1_XEN_GUEST_TYPE=$type "${RK_CMD[@]}" run-prepared "$@" "$uuid" </dev/null > >(stamp_output "$L") 2>"$L/run.err" &
  launched "$!" "$t0"
}

# launched PID T0: the run PID started at T0 (ns) becomes pod U once its uuid file holds the uuid
launched() {
  local pid=$1
  U=""
  until [[ $U =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]; do
    if ! alive "$pid"; then
      U=$(cat "$L/uuid" 2>/dev/null)
      [[ $U =~ ^[0-9a-f-]{36}$ ]] && break
      wait "$pid" 2>/dev/null
      RC=$?
      U=""
      return 1
    fi
    sleep 0.1
    U=$(cat "$L/uuid" 2>/dev/null)
  done
  RUNPID[$U]=$pid
  T0[$U]=$2
  UUIDS+=("$U")
  # rkt saves the uuid once it has the images
  STAGE1_IMPORTED=1
}

# wait_ready: 0 once `rkt status --wait-ready` says pod U is ready (its supervisor-status link), 1 when the run
# ended before, 2 after READY_TIMEOUT; READY_MS is the time from `rkt run` to readiness
wait_ready() {
  local pid=${RUNPID[$U]} w r
  rk_command
  "${RK_CMD[@]}" status --wait-ready="${READY_TIMEOUT}s" "$U" >"$L/wait-ready.out" 2>&1 &
  w=$!
  while alive "$w"; do
    if ! alive "$pid"; then
      kill "$w" 2>/dev/null
      wait "$w" 2>/dev/null
      return 1
    fi
    sleep 0.3
  done
  wait "$w"
  r=$?
  if [ $r = 0 ]; then
    READY_MS=$(ms_between "${T0[$U]}" "$(now_ns)")
    return 0
  fi
  alive "$pid" && return 2
  return 1
}

# wait_end SECONDS: waits for the run of pod U to end; RC is its exit code (124 when it did not end in time)
wait_end() {
  local deadline=$((SECONDS + $1)) pid=${RUNPID[$U]}
  while alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      RC=124
      return 1
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null
  RC=$?
  await_eof
  return 0
}

# await_eof: until the stamper of run's stdout has seen its end (at most 10 s after run exited)
await_eof() {
  local n=0
  while [ ! -f "$L/run-eof.ns" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
}

# wait_exit SECONDS: wait_end without polling: the harness sleeps in wait(2), so that it takes no CPU from dom0 (and
# from the guest beside it) while a timed pod boots; after SECONDS the run gets SIGKILL and RC is 124
wait_exit() {
  local pid=${RUNPID[$U]} wd
  rm -f "$L/timed-out"
  (sleep "$1" && : >"$L/timed-out" && kill -KILL "$pid") 2>/dev/null &
  wd=$!
  wait "$pid" 2>/dev/null
  RC=$?
  kill "$wd" 2>/dev/null
  wait "$wd" 2>/dev/null
  [ ! -e "$L/timed-out" ] || RC=124
  await_eof
  [ "$RC" != 124 ]
}

# wait_output TEXT SECONDS: until the run's stdout holds TEXT
wait_output() {
  local deadline=$((SECONDS + $2))
  until grep -qF -- "$1" "$L/run.out" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    alive "${RUNPID[$U]}" || { grep -qF -- "$1" "$L/run.out" 2>/dev/null; return; }
    sleep 0.2
  done
}

last_error() { # the run's last message (rkt's or the stage1's), without --debug lines
  local line
  line=$(grep -v '^[[:space:]]*$' "$L/run.err" 2>/dev/null | grep -v DEBUG | tail -n 1)
  show "${line:-no message on stderr}"
}

# start_ready NAME TYPE RUN-ARG...: start_pod, then await_ready
start_ready() {
  if ! start_pod "$@"; then
    fail "$2 $1: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
    return 1
  fi
  await_ready "$2 $1"
}

# await_ready CHECK-PREFIX: wait until pod U's apps run; a pod that does not get there is reported (one FAIL) and
# collected
await_ready() {
  local r
  wait_ready
  r=$?
  [ $r != 0 ] || return 0
  if [ $r = 2 ]; then
    fail "$1: pod ready" "rkt status --wait-ready=${READY_TIMEOUT}s did not see it ready ($(last_error))"
  else
    wait_end 30
    fail "$1: pod ready" "rkt run exited with $RC before the pod was ready: $(last_error)"
  fi
  collect >/dev/null
  return 1
}

save_pod_files() {
  local p
  p=$(pod_dir)
  cp "$p/xen/domain.cfg" "$p/xen/xl-create.log" "$L/" 2>/dev/null
  cp "/var/log/xen/console/guest-rkt-$U.log" "$L/console.log" 2>/dev/null
  cp "/var/log/xen/qemu-dm-rkt-$U.log" "$L/qemu-dm.log" 2>/dev/null
  return 0
}

# stop_if_alive: a run of pod U that is still alive gets `rkt stop --force`, SIGKILL after 60 s
stop_if_alive() {
  local pid=${RUNPID[$U]:-} n=0
  [ -n "$pid" ] && alive "$pid" || return 0
  rk stop --force "$U" >>"$L/cleanup.log" 2>&1
  while alive "$pid" && [ $n -lt 300 ]; do sleep 0.2; n=$((n + 1)); done
  alive "$pid" && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# collect [rm|gc]: pod U collected with `rkt rm U` (default) or `rkt gc --grace-period=0s`, after stop_if_alive;
# GC_RC is rkt's exit code (its output in L/gc.out and L/gc.err), LEFT what was still there afterwards: a domain
# (destroyed now), mounts under the pod (unmounted now), the pod's directory. Returns 1 when something was left.
collect() {
  stop_if_alive
  save_pod_files
  if [ "${1:-rm}" = gc ]; then
    rk gc --grace-period=0s >"$L/gc.out" 2>"$L/gc.err"
  else
    rk rm "$U" >"$L/gc.out" 2>"$L/gc.err"
  fi
  GC_RC=$?
  leftovers
}

# leftovers: LEFT says what of pod U is still there (a domain, mounts, its directory); domains and mounts are
# removed on the way, so that one pod's remains never spill into the next check. Returns 1 when something was left.
leftovers() {
  local d n
  LEFT=""
  if domain_exists "rkt-$U"; then
    xl destroy "rkt-$U" >/dev/null 2>&1
    LEFT+="domain rkt-$U (destroyed now); "
  fi
  for d in "$DATA"/pods/*/"$U"; do
    [ -e "$d" ] || continue
    n=$(unmount_under "$d")
    [ "$n" = 0 ] || LEFT+="$n mounts under ${d#"$DATA"/} (unmounted now); "
    LEFT+="${d#"$DATA"/}; "
  done
  [ -z "$LEFT" ]
}

# check_collected CHECK-PREFIX [rm|gc]: collect, and one check that rkt's collection left nothing
check_collected() {
  local how=${2:-rm}
  if collect "$how" && [ "$GC_RC" = 0 ]; then
    ok "$1: rkt $how leaves no domain, no mount and no pod directory"
  else
    fail "$1: rkt $how" "exit $GC_RC, left: ${LEFT:-nothing}; $(show "$(tail -n 2 "$L/gc.err")")"
  fi
}

# orphan_qemus: the device models (QEMU, "-xen-domid N" in its argv) whose domain xl no longer lists, as "PID(domid
# N)"; libxl ends a domain's QEMU as it destroys the domain, so any such process is a leftover
orphan_qemus() {
  local live pid id
  live=" $(xl list 2>/dev/null | awk 'NR > 1 { print $2 }' | tr '\n' ' ') "
  for pid in $(pgrep -f -- '-xen-domid'); do
    id=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -x -A1 -- -xen-domid | sed -n 2p)
    [ -n "$id" ] && [[ $live != *" $id "* ]] && echo "$pid(domid $id)"
  done
}

# no_orphan_qemu CHECK: no device model outlives its domain (libxl may take a moment to end one: 10 s)
no_orphan_qemu() {
  local left end=$((SECONDS + 10))
  while left=$(orphan_qemus) && [ -n "$left" ] && [ $SECONDS -lt $end ]; do sleep 0.5; done
  if [ -z "$left" ]; then ok "$1"; else fail "$1" "$(show "$left")"; fi
}

# What pods' networks leave in dom0: the leases of the stage1's host-local plugin (LEASES) and the iptables rules of
# stage1-xen's per-pod chains and jumps (S1X-<kind>-<hash> and s1x: comments, in every table)
LEASES=/var/lib/cni/networks
leases() { find "$LEASES" -type f -name '[0-9]*.[0-9]*.[0-9]*.[0-9]*' 2>/dev/null | sort; }
s1x_rules() { iptables-save 2>/dev/null | grep -ci 's1x'; }

# The early-boot flake of PVH guests under software emulation: Xen logs "d<N>v<M> Triple fault - invoking HVM
# shutdown action" (seen both before and just after the guest's HELLO).
triple_faults() { xl dmesg 2>/dev/null | grep 'Triple fault'; }
new_triple_fault() { # new_triple_fault BEFORE: the first Triple fault line that BEFORE (an earlier triple_faults) lacks
  triple_faults | grep -vxF -f <(printf '%s\n' "$1") | head -n 1
}

# run_scenario NAME TYPE FUNCTION ARG...: runs a scenario; when a PVH scenario failed and Xen logged a new triple
# fault meanwhile, the failure is that flake: the scenario runs once more (ATTEMPT=-retry, so its pods log apart),
# its first results do not count, and the retry is reported. With EMULATED=1, a retry that also ends in a triple
# fault Xen logged counts as one skip: a fault of the emulated CPU, which nothing in the guest's user space can
# cause, is not a verdict on the stage1.
run_scenario() {
  local name=$1 type=$2 p=$PASSED f=$FAILED s=$SKIPPED before tf
  shift 2
  before=$(triple_faults)
  ATTEMPT=""
  "$@"
  [ "$type" = pvh ] && [ "$FAILED" != "$f" ] || return 0
  tf=$(new_triple_fault "$before")
  [ -n "$tf" ] || return 0
  RETRIES+=("$type $name: a PVH guest triple-faulted ($tf)")
  note "retrying $type $name once: a PVH guest triple-faulted ($tf); the results of the first attempt above do not count"
  PASSED=$p FAILED=$f SKIPPED=$s
  ATTEMPT=-retry
  before=$(triple_faults)
  "$@"
  ATTEMPT=""
  [ "$EMULATED" = 1 ] && [ "$FAILED" != "$f" ] || return 0
  tf=$(new_triple_fault "$before")
  [ -n "$tf" ] || return 0
  PASSED=$p FAILED=$f SKIPPED=$s
  skip "$type $name" "the PVH guest triple-faulted in both attempts under software emulation ($tf); the checks above do not count"
}

# cleanup_pods: at the end of a suite (or when it is interrupted): every run still alive is killed and every domain
# of the suite's pods destroyed; `rkt gc` collects the pods, so that the stage1 unmounts their volumes; whatever is
# still mounted under DATA is unmounted. Prints what it had to clean up.
cleanup_pods() {
  local u pid n
  for u in ${UUIDS[@]+"${UUIDS[@]}"}; do
    pid=${RUNPID[$u]:-}
    if [ -n "$pid" ] && alive "$pid"; then
      kill -9 "$pid" 2>/dev/null
      echo "# cleanup: killed the run of pod $u" >&2
    fi
    if domain_exists "rkt-$u"; then
      xl destroy "rkt-$u" >/dev/null 2>&1
      echo "# cleanup: destroyed domain rkt-$u" >&2
    fi
    domain_exists "bare-$u" && xl destroy "bare-$u" >/dev/null 2>&1
  done
  [ -n "$RKT_BIN" ] && [ -d "$DATA/pods" ] && rk gc --grace-period=0s >/dev/null 2>&1
  n=$(unmount_under "$DATA")
  [ "$n" = 0 ] || echo "# cleanup: unmounted $n mounts under $DATA" >&2
}

# clear_data: an empty rkt data directory DATA; a previous run's pods are collected and unmounted first, and the
# directory is only deleted when nothing is mounted below it (a volume's bind mount there is a host directory)
clear_data() {
  if [ -d "$DATA/pods" ]; then
    rk gc --grace-period=0s >/dev/null 2>&1
    unmount_under "$DATA" >/dev/null
  fi
  [ "$(mounts_under "$DATA")" = 0 ] || fatal "host: rkt data directory" "$DATA still has mounts below it; unmount them first"
  rm -rf "$DATA"
  mkdir -p "$DATA"
}
