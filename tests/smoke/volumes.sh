#!/usr/bin/env bash
# Volume scenarios of the Xen smoke suite: real pods with host, single-file, read-only and empty volumes on a real
# Xen host, driven through the stage0 emulator (tests/stage0) as rkt 1.30.0 drives a stage1, and checked from dom0
# (the host's files, the mount table, xl). Runs in a Xen dom0 as root; needs bash, coreutils, util-linux, tar, gzip,
# xl, busybox-static. Not in a dom0? Boot one with the xen-host tool, sharing a folder that holds the image and this
# repository's tests/ directory:
#
#   xen-host run --share DIR --timeout 1800 -- 'bash tests/smoke/volumes.sh --aci stage1-xen.aci'
#
#   volumes.sh [--aci PATH] [--types "pv pvh"] [--work DIR] [--keep] [--bench N]
#
#   --aci PATH    the stage1 image (default: out/stage1-xen.aci of this repository)
#   --types LIST  guest types to run (default: pv, and pvh too when the host runs HVM guests)
#   --work DIR    work directory on a local disk (default /var/tmp/s1x-volumes; its path must be short: the pods'
#                 UNIX sockets live below it)
#   --keep        keep the work directory at the end (pods are collected anyway)
#   --bench N     also time N pods without volumes and N with four volume shares, alternating, per guest type
#                 (`bench - …` lines: what the shares add to `rkt run` of a one-line app)
#
# Scenarios per guest type: (1) a host directory written through by an app running as alice, with the owner the
# files get in dom0; (2) a read-only host volume that root in the guest cannot write, even after
# `mount -o remount,rw`; (3) an empty volume with mode, uid and gid shared by two apps; (4) a single-file volume;
# (5) gc, after a normal end and after the run entrypoint was killed with SIGKILL, leaves no mount, no directory
# and no domain. Every check prints `ok - …` or `FAIL - …: why`; `# …` lines are observations; the last line is
# `N passed, N failed`, and the exit status is 1 when a check failed.
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STAGE0=$REPO/tests/stage0/stage0
MKROOTFS=$REPO/tests/images/make-rootfs.sh
ACI=$REPO/out/stage1-xen.aci
WORK=/var/tmp/s1x-volumes
TYPES=""
KEEP=0
BENCH=0
READY_TIMEOUT=300
END_TIMEOUT=300

while [ $# -gt 0 ]; do
  case $1 in
    --aci) ACI=$2; shift 2 ;;
    --types) TYPES=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --bench) BENCH=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) echo "volumes.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

PASSED=0 FAILED=0
T_START=$SECONDS
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1: $2"; }
note() { echo "# $*"; }
section() { printf '# [%02d:%02d] %s\n' $(((SECONDS - T_START) / 60)) $(((SECONDS - T_START) % 60)) "$*"; }
summary() {
  section "done"
  echo "$PASSED passed, $FAILED failed"
}
fatal() {
  fail "$1" "$2"
  summary
  exit 1
}
oneline() { # oneline TEXT: control characters visible, cut at 300 characters
  local s=${1//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  ((${#s} <= 300)) || s="${s:0:300}..."
  printf '%s' "$s"
}
expect_eq() { # expect_eq CHECK EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$(oneline "$2")', got '$(oneline "$3")'"; fi
}
expect_line() { # expect_line CHECK FILE LINE: FILE has exactly this line
  if grep -qxF -- "$3" "$2" 2>/dev/null; then
    ok "$1"
  else
    fail "$1" "no line '$(oneline "$3")' in $(basename "$2"): '$(oneline "$(tail -c 600 "$2" 2>/dev/null)")'"
  fi
}
alive() { kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"; }

# mounts_under DIR: how many mounts of dom0's mount table are at or below DIR
mounts_under() {
  awk -v d="$1" '{ p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) n++ } END { print n + 0 }' \
    /proc/self/mountinfo
}

# json_str S: S as a JSON string (quotes, backslashes and newlines escaped; the scripts below need no more)
json_str() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

# app NAME USER GROUP MOUNTS SCRIPT: a runtime app of the busybox image running /bin/sh -c SCRIPT
app() {
  printf '{"name":"%s","image":{"name":"example.com/volumes-busybox","id":"%s"},"app":{"exec":["/bin/sh","-c",%s],"user":"%s","group":"%s"},"mounts":[%s]}' \
    "$1" sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804 "$(json_str "$5")" "$2" "$3" "$4"
}
mnt() { printf '{"volume":"%s","path":"%s"}' "$1" "$2"; }
pod() { # pod VOLUMES APP...
  local volumes=$1 apps
  shift
  apps=$(IFS=,; echo "$*")
  printf '{"acVersion":"1.30.0","acKind":"PodManifest","apps":[%s],"volumes":[%s],"isolators":null,"annotations":[{"name":"coreos.com/rkt/stage1/mutable","value":"false"}],"ports":[]}\n' "$apps" "$volumes"
}

# ---------------------------------------------------------------------------------------------------------------
section "host"
[ "$(id -u)" = 0 ] || fatal "host: root" "volumes are bind mounts in dom0: run as root"
command -v xl >/dev/null 2>&1 || fatal "host: xl" "'xl' not found: run in a Xen dom0 with the Xen tools"
xl info >/dev/null 2>&1 || fatal "host: xl info" "xl info failed: is this a Xen dom0 with xenstored running?"
[ -f "$ACI" ] || fatal "host: stage1 image" "$ACI does not exist (build it with ./build.sh, or pass --aci)"
ACI=$(cd "$(dirname "$ACI")" && pwd)/$(basename "$ACI")
caps=$(xl info | sed -n 's/^virt_caps[[:space:]]*:[[:space:]]*//p')
if [ -z "$TYPES" ]; then
  TYPES=pv
  case " $caps " in *" hvm "*) TYPES="pv pvh" ;; esac
fi
ok "host: $(xl info | sed -n 's/^xen_version[[:space:]]*:[[:space:]]*/Xen /p'), util-linux $(mount --version | sed -n 's/.*util-linux \([0-9.]*\).*/\1/p'), guest types: $TYPES"

mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd) || fatal "host: work directory" "cannot create $WORK"
DATA=$WORK/rkt
CONF=$WORK/conf
rm -rf "$DATA" "$WORK/img" "$WORK/logs"
mkdir -p "$DATA" "$CONF/stage1-xen" "$WORK/img/busybox" "$WORK/logs"
cat >"$CONF/stage1-xen/host.conf" <<EOF
readiness-timeout-seconds = $READY_TIMEOUT
xl-timeout-seconds = 120
stop-grace-seconds = 3
EOF
IMG=$WORK/img/busybox
BUSYBOX=${BUSYBOX:-/bin/busybox} bash "$MKROOTFS" "$IMG/rootfs" >"$WORK/img/make-rootfs.log" 2>&1 \
  || fatal "host: busybox image" "$(tail -n 1 "$WORK/img/make-rootfs.log")"
printf '%s\n' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/volumes-busybox","labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}' >"$IMG/manifest"

# new_pod LOGNAME MANIFEST APP...: prepares pod U (log folder L) the way `rkt prepare` does
new_pod() {
  U=$(cat /proc/sys/kernel/random/uuid)
  L=$WORK/logs/$1
  mkdir -p "$L"
  cp "$2" "$L/pod.json"
  local manifest=$2 args=() a
  shift 2
  for a in "$@"; do args+=(--app "$a=$IMG"); done
  "$STAGE0" prepare --data-dir "$DATA" --uuid "$U" --stage1 "$ACI" --pod-manifest "$manifest" "${args[@]}" \
    >"$L/prepare.log" 2>&1
}
run_pod() { # run_pod TYPE: `rkt run` of pod U in the background (RUNPID)
  STAGE1_XEN_GUEST_TYPE=$1 "$STAGE0" run --data-dir "$DATA" --uuid "$U" --net=none --local-config="$CONF" --debug \
    </dev/null >"$L/run.out" 2>"$L/run.err" &
  RUNPID=$!
}
wait_end() { # wait_end SECONDS: RC is the run's exit code (124 when it did not end in time)
  local deadline=$((SECONDS + $1))
  while alive "$RUNPID"; do
    [ $SECONDS -lt $deadline ] || { RC=124; return 1; }
    sleep 0.5
  done
  wait "$RUNPID" 2>/dev/null
  RC=$?
}
gc_pod() {
  "$STAGE0" gc --data-dir "$DATA" --uuid "$U" --local-config "$CONF" >"$L/gc.log" 2>&1
  GC_RC=$?
}
save_logs() {
  cp "$DATA/pods/run/$U/xen/domain.cfg" "$L/" 2>/dev/null
  cp "/var/log/xen/console/guest-rkt-$U.log" "$L/console.log" 2>/dev/null
  cp "/var/log/xen/qemu-dm-rkt-$U.log" "$L/qemu-dm.log" 2>/dev/null
  return 0
}
last_error() { oneline "$(grep -v '^[[:space:]]*$' "$L/run.err" 2>/dev/null | grep -v DEBUG | tail -n 2)"; }

# ---------------------------------------------------------------------------------------------------------------
# (1)-(4) and (5) after a normal end: one pod of three apps
scenario_volumes() {
  local type=$1 c="$1 volumes"
  section "$c"
  local h=$WORK/host-$type
  rm -rf "$h"
  mkdir -p "$h/data" "$h/ro"
  chmod 0777 "$h/data"
  echo orig >"$h/ro/orig"
  printf 'setting=1\n' >"$h/app.conf"
  chmod 0666 "$h/app.conf"
  local volumes
  volumes="{\"name\":\"data\",\"kind\":\"host\",\"source\":\"$h/data\"},"
  volumes+="{\"name\":\"conf\",\"kind\":\"host\",\"source\":\"$h/app.conf\"},"
  volumes+="{\"name\":\"ro\",\"kind\":\"host\",\"source\":\"$h/ro\",\"readOnly\":true},"
  volumes+="{\"name\":\"scratch\",\"kind\":\"empty\",\"mode\":\"0770\",\"uid\":1000,\"gid\":2000}"
  local writer reader rogue
  writer=$(app writer alice staff "$(mnt data /srv/data),$(mnt scratch /scratch),$(mnt conf /etc/app.conf)" \
    'echo "written by $(id -u):$(id -g)" > /srv/data/by-alice && echo shared > /scratch/shared && echo appended >> /etc/app.conf && echo "writer: done"')
  reader=$(app reader 0 0 "$(mnt scratch /in),$(mnt conf /etc/app.conf),$(mnt data /data)" \
    'i=0; while [ ! -s /in/shared ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
echo "reader: scratch says $(cat /in/shared)"
echo "reader: conf says $(tr "\n" " " </etc/app.conf)"
echo root > /data/by-root && echo "reader: wrote as root"
touch /data/chowned && chown 1234:5678 /data/chowned && chmod 0600 /data/chowned
mkfifo /data/fifo; mknod /data/null-dev c 1 3; cp /bin/busybox /data/suid && chmod 4755 /data/suid
ls -ldn /in | awk "{print \"reader: scratch is \" \$1 \" \" \$3 \":\" \$4}"')
  rogue=$(app rogue 0 0 "$(mnt ro /ro)" \
    'if echo x > /ro/new 2>/dev/null; then echo "rogue: wrote"; else echo "rogue: refused"; fi
if mount -o remount,rw /ro; then echo "rogue: remounted rw"; else echo "rogue: remount failed"; fi
grep " /ro " /proc/self/mounts | sed "s/^/rogue: mount /"
if echo x > /ro/new 2>/dev/null || echo x >> /ro/orig 2>/dev/null || rm /ro/orig 2>/dev/null; then echo "rogue: wrote after remount"; else echo "rogue: refused after remount"; fi')
  pod "$volumes" "$writer" "$reader" "$rogue" >"$WORK/volumes-$type.json"
  new_pod "volumes-$type" "$WORK/volumes-$type.json" writer reader rogue \
    || { fail "$c: prepare" "$(oneline "$(tail -n 2 "$L/prepare.log")")"; return; }
  local t0=$SECONDS
  run_pod "$type"
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod ends" "still running after $END_TIMEOUT s"
    "$STAGE0" stop --data-dir "$DATA" --uuid "$U" --force >/dev/null 2>&1
    wait_end 60
  fi
  save_logs
  local pod=$DATA/pods/run/$U
  expect_eq "$c: every app exits 0 ($((SECONDS - t0)) s; $(last_error))" 0 "$RC"
  if grep -q "tag=vol0,security_model=none,path=$pod/xen/volumes/vol0" "$L/domain.cfg" 2>/dev/null \
    && ! grep -qF "$h/" "$L/domain.cfg"; then
    ok "$c: xl.cfg exports the pod's own directories, never the host paths ($(grep -c 'tag=vol' "$L/domain.cfg") volume shares)"
  else
    fail "$c: xl.cfg shares" "$(oneline "$(grep tag= "$L/domain.cfg" 2>/dev/null)")"
  fi

  # (1) write-through and ownership
  expect_eq "$c: (1) a host volume written by alice in the guest reaches dom0" "written by 1000:2000" \
    "$(cat "$h/data/by-alice" 2>/dev/null)"
  expect_eq "$c: (1) dom0 owner of alice's file (security_model=none, QEMU as root)" "1000:2000" \
    "$(stat -c %u:%g "$h/data/by-alice" 2>/dev/null)"
  expect_eq "$c: (1) dom0 owner of a file root wrote in the guest" "0:0" "$(stat -c %u:%g "$h/data/by-root" 2>/dev/null)"
  expect_eq "$c: (1) chown and chmod by root in the guest apply in dom0" "1234:5678 600" \
    "$(stat -c '%u:%g %a' "$h/data/chowned" 2>/dev/null)"
  note "$c: special files made by root in the guest, as dom0 sees them: $(stat -c '%n: %F %t:%T %u:%g %a' \
    "$h/data/fifo" "$h/data/null-dev" "$h/data/suid" 2>&1 | sed "s|$h/data/||g" | tr '\n' ';')"

  # (2) read-only
  expect_line "$c: (2) the guest's read-only mount refuses a plain write" "$L/run.out" "rogue: refused"
  expect_line "$c: (2) root in the guest can remount the volume read-write" "$L/run.out" "rogue: remounted rw"
  expect_line "$c: (2) and still cannot write: dom0's read-only bind mount refuses" "$L/run.out" "rogue: refused after remount"
  note "$c: $(grep '^rogue: mount' "$L/run.out" | head -n 1)"
  expect_eq "$c: (2) the read-only host directory is unchanged" "orig|orig" \
    "$(ls "$h/ro" | tr '\n' '|')$(cat "$h/ro/orig" 2>/dev/null)"

  # (3) empty volume shared by two apps
  expect_line "$c: (3) an empty volume written by one app is read by another" "$L/run.out" "reader: scratch says shared"
  expect_line "$c: (3) the empty volume has the manifest's mode, uid and gid in the guest" "$L/run.out" \
    "reader: scratch is drwxrwx--- 1000:2000"
  local scratch=$pod/xen/volumes/empty/scratch
  expect_eq "$c: (3) and in dom0, with the file, until gc" "770 1000:2000 shared" \
    "$(stat -c '%a %u:%g' "$scratch" 2>/dev/null) $(cat "$scratch/shared" 2>/dev/null)"

  # (4) single file
  expect_line "$c: (4) a single-file volume is seen by an app" "$L/run.out" "reader: conf says setting=1 appended "
  expect_eq "$c: (4) and written through to the host file" "setting=1|appended|" "$(tr '\n' '|' <"$h/app.conf")"

  # (5) the end of the run unmounts, gc removes
  expect_eq "$c: (5) nothing of the pod is mounted once run returned" 0 "$(mounts_under "$pod")"
  gc_pod
  expect_eq "$c: (5) gc exits 0, removes the pod and leaves no mount" "0 gone 0" \
    "$GC_RC $([ -e "$DATA/pods/exited-garbage/$U" ] || [ -e "$pod" ] && echo left || echo gone) $(mounts_under "$DATA")"
  expect_eq "$c: (5) the host's files survive gc" "written by 1000:2000|setting=1|appended|" \
    "$(cat "$h/data/by-alice" 2>/dev/null)|$(tr '\n' '|' <"$h/app.conf")"
}

# (5) after a crash: the run entrypoint is killed with SIGKILL while the pod runs
scenario_crash() {
  local type=$1 c="$1 gc after a crash"
  section "$c"
  local h=$WORK/host-crash-$type
  rm -rf "$h"
  mkdir -p "$h/data" "$h/ro"
  local volumes server
  volumes="{\"name\":\"data\",\"kind\":\"host\",\"source\":\"$h/data\"},"
  volumes+="{\"name\":\"ro\",\"kind\":\"host\",\"source\":\"$h/ro\",\"readOnly\":true},"
  volumes+="{\"name\":\"scratch\",\"kind\":\"empty\"}"
  server=$(app server 0 0 "$(mnt data /data),$(mnt ro /ro),$(mnt scratch /scratch)" \
    'echo up > /data/up; echo x > /scratch/x; while :; do sleep 1; done')
  pod "$volumes" "$server" >"$WORK/crash-$type.json"
  new_pod "crash-$type" "$WORK/crash-$type.json" server \
    || { fail "$c: prepare" "$(oneline "$(tail -n 2 "$L/prepare.log")")"; return; }
  run_pod "$type"
  local deadline=$((SECONDS + READY_TIMEOUT))
  while [ ! -e "$h/data/up" ] && alive "$RUNPID" && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
  local pod=$DATA/pods/run/$U
  if [ ! -e "$h/data/up" ]; then
    fail "$c: the pod starts" "no write from the app ($(last_error))"
    save_logs
    "$STAGE0" stop --data-dir "$DATA" --uuid "$U" --force >/dev/null 2>&1
    wait_end 60
    gc_pod
    return
  fi
  local qemu
  qemu=$(ps -eo user=,args= | grep "[q]emu-system" | grep -F "rkt-$U" | awk '{print $1}' | head -n 1)
  note "$c: the domain's QEMU (the 9p backend) runs as ${qemu:-?}"
  expect_eq "$c: the running pod has its three volumes mounted in dom0" 3 "$(mounts_under "$pod/xen/volumes")"
  save_logs
  kill -9 "$(cat "$pod/pid")" 2>/dev/null
  wait_end 60
  expect_eq "$c: SIGKILL leaves the mounts and the domain behind" "3 yes" \
    "$(mounts_under "$pod/xen/volumes") $(xl domid "rkt-$U" >/dev/null 2>&1 && echo yes || echo no)"
  gc_pod
  expect_eq "$c: gc destroys the domain, unmounts everything and removes the pod" "0 no 0 gone" \
    "$GC_RC $(xl domid "rkt-$U" >/dev/null 2>&1 && echo yes || echo no) $(mounts_under "$DATA") $([ -e "$DATA/pods/exited-garbage/$U" ] && echo left || echo gone)"
  expect_eq "$c: the host's files survive" "up|" "$(cat "$h/data/up" 2>/dev/null)|$(ls "$h/ro")"
}

# bench: `rkt run` of an app that prints one line, without volumes and with four volume shares
scenario_bench() {
  local type=$1 c="$1 bench" i kind t0 plain=() shared=()
  section "$c"
  local h=$WORK/host-bench-$type
  rm -rf "$h"
  mkdir -p "$h/a" "$h/b"
  echo x >"$h/f"
  local volumes mounts
  volumes="{\"name\":\"a\",\"kind\":\"host\",\"source\":\"$h/a\"},{\"name\":\"b\",\"kind\":\"host\",\"source\":\"$h/b\",\"readOnly\":true},"
  volumes+="{\"name\":\"f\",\"kind\":\"host\",\"source\":\"$h/f\"},{\"name\":\"e\",\"kind\":\"empty\"}"
  mounts="$(mnt a /a),$(mnt b /b),$(mnt f /f),$(mnt e /e)"
  pod "" "$(app bench 0 0 "" 'echo bench')" >"$WORK/bench-plain.json"
  pod "$volumes" "$(app bench 0 0 "$mounts" 'echo bench')" >"$WORK/bench-volumes.json"
  for i in $(seq 1 "$BENCH"); do
    for kind in plain volumes; do
      new_pod "bench-$type-$kind-$i" "$WORK/bench-$kind.json" bench || { fail "$c: prepare" "$kind $i"; return; }
      t0=$(date +%s%N)
      run_pod "$type"
      wait_end "$END_TIMEOUT"
      local ms=$((($(date +%s%N) - t0) / 1000000))
      if [ "$RC" != 0 ] || ! grep -qx bench "$L/run.out"; then
        fail "$c: $kind pod $i" "run exited $RC: $(last_error)"
      elif [ "$kind" = plain ]; then
        plain+=("$ms")
      else
        shared+=("$ms")
      fi
      gc_pod
    done
  done
  [ ${#plain[@]} -gt 0 ] && [ ${#shared[@]} -gt 0 ] || return
  local mp ms
  mp=$(printf '%s\n' "${plain[@]}" | sort -n | sed -n "$(((${#plain[@]} + 1) / 2))p")
  ms=$(printf '%s\n' "${shared[@]}" | sort -n | sed -n "$(((${#shared[@]} + 1) / 2))p")
  echo "bench - $type rkt run of a one-line app, median ms: no volumes $mp (${plain[*]}), four volume shares $ms (${shared[*]}), ratio $(awk -v a="$ms" -v b="$mp" 'BEGIN { printf "%.2f", a / b }')"
  ok "$c: $BENCH + $BENCH pods timed"
}

for t in $TYPES; do
  scenario_volumes "$t"
  scenario_crash "$t"
  [ "$BENCH" = 0 ] || scenario_bench "$t"
done
[ "$KEEP" = 1 ] || rm -rf "$DATA" "$WORK/img" "$WORK"/host-*
summary
[ "$FAILED" = 0 ]
