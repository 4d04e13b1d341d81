#!/usr/bin/env bash
# Volume scenarios of the Xen smoke suite: real pods with host, single-file, read-only and empty volumes on a real
# Xen host, run by the real rkt 1.30.0 from its --volume and --mount flags, and checked from dom0 (the host's
# files, the mount table, xl, rkt cat-manifest). Runs in a Xen dom0 as root; needs bash, coreutils, util-linux,
# tar, gzip, xl, rkt, busybox-static. Not in a dom0? tests/smoke/run-on-xen-host.sh boots one.
#
#   volumes.sh [COMMON-OPTION]... [--bench N]
#
#   --bench N     also time N pods without volumes and N with four volume shares, alternating, per guest type
#                 (`bench - …` lines: what the shares add to `rkt run` of a one-line app)
#
# Common options (lib/suite.sh): --aci PATH, --rkt PATH, --types "pv pvh" (default: pv, and pvh too when the host
# runs HVM guests), --debug, --keep, --work DIR (default /var/tmp/s1x-volumes), --logs DIR, --emulated.
#
# Scenarios per guest type: (1) a host directory written through by an app running as alice, with the owner the
# files get in dom0; (2) a read-only host volume that root in the guest cannot write, even after
# `mount -o remount,rw`; (3) an empty volume with mode, uid and gid shared by two apps; (4) a single-file volume;
# (5) gc, after a normal end and after the run entrypoint was killed with SIGKILL, leaves no mount, no directory
# and no domain. Every check prints `ok - …` or `FAIL - …: why`; `# …` lines are observations; the last line is
# `N passed, N failed`, and the exit status is 1 when a check failed.
SUITE=volumes
WORK=/var/tmp/s1x-volumes
. "$(dirname "${BASH_SOURCE[0]}")/lib/suite.sh"
BENCH=0

suite_own_option() {
  case $1 in --bench) BENCH=${2:?--bench needs a number}; SHIFT=2 ;; esac
}
suite_options "$@"

suite_setup all
ok "host: util-linux $(mount --version | sed -n 's/.*util-linux \([0-9.]*\).*/\1/p')"
BUSY=$IMAGES/busybox.aci
make_aci "$BUSY" example.com/volumes-busybox "$(app_json '["/bin/echo","bench"]')" \
  || fatal "host: busybox image" "$IMAGE_ERROR"

# run_volume_pod NAME TYPE RUN-ARG...: rkt run in the background, never before an earlier pod's end
run_volume_pod() {
  start_pod "$@" || { fail "$2 $1: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"; return 1; }
}

# ---------------------------------------------------------------------------------------------------------------
# (1)-(4) and (5) after a normal end: one pod of three apps
scenario_volumes() {
  local type=$1 c="$1 volumes" h=$WORK/host-$1
  section "$c"
  rm -rf "$h"
  mkdir -p "$h/data" "$h/ro"
  chmod 0777 "$h/data"
  echo orig >"$h/ro/orig"
  printf 'setting=1\n' >"$h/app.conf"
  chmod 0666 "$h/app.conf"
  local writer reader rogue
  writer='echo "written by $(id -u):$(id -g)" > /srv/data/by-alice && echo shared > /scratch/shared && echo appended >> /etc/app.conf && echo "writer: done"'
  reader='i=0; while [ ! -s /in/shared ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
echo "reader: scratch says $(cat /in/shared)"
echo "reader: conf says $(tr "\n" " " </etc/app.conf)"
echo root > /data/by-root && echo "reader: wrote as root"
touch /data/chowned && chown 1234:5678 /data/chowned && chmod 0600 /data/chowned
mkfifo /data/fifo; mknod /data/null-dev c 1 3; cp /bin/busybox /data/suid && chmod 4755 /data/suid
ls -ldn /in | awk "{print \"reader: scratch is \" \$1 \" \" \$3 \":\" \$4}"'
  rogue='if echo x > /ro/new 2>/dev/null; then echo "rogue: wrote"; else echo "rogue: refused"; fi
if mount -o remount,rw /ro; then echo "rogue: remounted rw"; else echo "rogue: remount failed"; fi
grep " /ro " /proc/self/mounts | sed "s/^/rogue: mount /"
if echo x > /ro/new 2>/dev/null || echo x >> /ro/orig 2>/dev/null || rm /ro/orig 2>/dev/null; then echo "rogue: wrote after remount"; else echo "rogue: refused after remount"; fi'
  local t0=$SECONDS
  run_volume_pod "volumes" "$type" --net=none \
    --volume=data,kind=host,source="$h/data" --volume=conf,kind=host,source="$h/app.conf" \
    --volume=ro,kind=host,source="$h/ro",readOnly=true --volume=scratch,kind=empty,mode=0770,uid=1000,gid=2000 \
    "$BUSY" --name=writer --user=alice --group=staff --mount=volume=data,target=/srv/data \
    --mount=volume=scratch,target=/scratch --mount=volume=conf,target=/etc/app.conf --exec=/bin/sh -- -c "$writer" --- \
    "$BUSY" --name=reader --mount=volume=scratch,target=/in --mount=volume=conf,target=/etc/app.conf \
    --mount=volume=data,target=/data --exec=/bin/sh -- -c "$reader" --- \
    "$BUSY" --name=rogue --mount=volume=ro,target=/ro --exec=/bin/sh -- -c "$rogue" || return
  expect_manifest "$c: rkt's pod manifest has the four volumes and each app's mounts, as the flags say" "$U" \
    "\"volumes\":[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"$h/data\"},{\"name\":\"conf\",\"kind\":\"host\",\"source\":\"$h/app.conf\"},{\"name\":\"ro\",\"kind\":\"host\",\"source\":\"$h/ro\",\"readOnly\":true},{\"name\":\"scratch\",\"kind\":\"empty\",\"mode\":\"0770\",\"uid\":1000,\"gid\":2000}]" \
    '"user":"alice","group":"staff"},"mounts":[{"volume":"data","path":"/srv/data"},{"volume":"scratch","path":"/scratch"},{"volume":"conf","path":"/etc/app.conf"}]}' \
    '"mounts":[{"volume":"scratch","path":"/in"},{"volume":"conf","path":"/etc/app.conf"},{"volume":"data","path":"/data"}]}' \
    '"mounts":[{"volume":"ro","path":"/ro"}]}'
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod ends" "still running after $END_TIMEOUT s"
    stop_if_alive
  fi
  save_pod_files
  local pod
  pod=$(pod_dir)
  expect_eq "$c: every app exits 0 ($((SECONDS - t0)) s; $(last_error))" 0 "$RC"
  # a read-write host volume gets a mapped model (mapped-file when its directory is on tmpfs, which keeps no user
  # xattrs); app roots stay none (mapped models cannot read the image's symlinks), a writable one exported where
  # rkt mounted it in the pod's tree
  local model=mapped-xattr
  [ "$(stat -f -c %T "$h/data" 2>/dev/null)" = tmpfs ] && model=mapped-file
  if grep -q "tag=vol0,security_model=$model,path=$pod/xen/volumes/vol0" "$L/domain.cfg" 2>/dev/null \
    && grep -q "tag=app0,security_model=none,path=$pod/stage1/rootfs/opt/stage2/[^,\"]*/rootfs\"" "$L/domain.cfg" \
    && ! grep -qF "$h/" "$L/domain.cfg"; then
    ok "$c: xl.cfg exports the pod's own directories, never the host paths ($(grep -c 'tag=vol' "$L/domain.cfg") volume shares)"
  else
    fail "$c: xl.cfg shares" "$(show "$(grep tag= "$L/domain.cfg" 2>/dev/null)")"
  fi

  # (1) write-through and ownership
  expect_eq "$c: (1) a host volume written by alice in the guest reaches dom0" "written by 1000:2000" \
    "$(cat "$h/data/by-alice" 2>/dev/null)"
  expect_eq "$c: (1) dom0 owner and mode of alice's file (mapped model: the guest's owner is metadata only)" "0:0 600" \
    "$(stat -c '%u:%g %a' "$h/data/by-alice" 2>/dev/null)"
  expect_eq "$c: (1) dom0 owner of a file root wrote in the guest" "0:0" "$(stat -c %u:%g "$h/data/by-root" 2>/dev/null)"
  expect_eq "$c: (1) chown by root in the guest does not reach dom0 (root's file, mode 600)" "0:0 600" \
    "$(stat -c '%u:%g %a' "$h/data/chowned" 2>/dev/null)"
  expect_eq "$c: (1) a FIFO, a device node and a setuid file made by root in the guest are plain files of root in dom0" \
    "fifo: regular empty file 0:0 600;null-dev: regular empty file 0:0 600;suid: regular file 0:0 600;" \
    "$(stat -c '%n: %F %u:%g %a' "$h/data/fifo" "$h/data/null-dev" "$h/data/suid" 2>&1 | sed "s|$h/data/||g" | tr '\n' ';')"

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

  # (5) the end of the run unmounts the stage1's mounts (rkt's own overlays, the stage1's and each app's root,
  # stay until gc); gc removes everything
  expect_eq "$c: (5) nothing of the stage1's is mounted once rkt run returned (only rkt's 4 overlays remain)" "0 4" \
    "$(mounts_under "$pod/xen") $(mounts_under "$pod")"
  collect gc
  expect_eq "$c: (5) rkt gc exits 0, removes the pod and leaves no mount" "0||0" "$GC_RC|$LEFT|$(mounts_under "$DATA")"
  expect_eq "$c: (5) the host's files survive gc" "written by 1000:2000|setting=1|appended|" \
    "$(cat "$h/data/by-alice" 2>/dev/null)|$(tr '\n' '|' <"$h/app.conf")"
}

# (5) after a crash: the run entrypoint is killed with SIGKILL while the pod runs
scenario_crash() {
  local type=$1 c="$1 gc after a crash" h=$WORK/host-crash-$1
  section "$c"
  rm -rf "$h"
  mkdir -p "$h/data" "$h/ro"
  run_volume_pod crash "$type" --net=none --volume=data,kind=host,source="$h/data" \
    --volume=ro,kind=host,source="$h/ro",readOnly=true --volume=scratch,kind=empty \
    "$BUSY" --name=server --mount=volume=data,target=/data --mount=volume=ro,target=/ro \
    --mount=volume=scratch,target=/scratch --exec=/bin/sh -- -c 'echo up > /data/up; echo x > /scratch/x; while :; do sleep 1; done' \
    || return
  local deadline=$((SECONDS + READY_TIMEOUT))
  while [ ! -e "$h/data/up" ] && alive "${RUNPID[$U]}" && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
  local pod
  pod=$(pod_dir)
  if [ ! -e "$h/data/up" ]; then
    fail "$c: the pod starts" "no write from the app ($(last_error))"
    collect
    return
  fi
  local qemu
  qemu=$(ps -eo user=,args= | grep "[q]emu-system" | grep -F "rkt-$U" | awk '{print $1}' | head -n 1)
  note "$c: the domain's QEMU (the 9p backend) runs as ${qemu:-?}"
  # the app's writable root is rkt's own mount, exported where it is: the three volumes are the stage1's
  expect_eq "$c: the running pod has its three volumes mounted in dom0" 3 "$(mounts_under "$pod/xen/volumes")"
  save_pod_files
  kill -9 "$(cat "$pod/pid")" 2>/dev/null
  wait "${RUNPID[$U]}" 2>/dev/null
  expect_eq "$c: SIGKILL leaves the mounts and the domain behind" "3 yes" \
    "$(mounts_under "$pod/xen/volumes") $(domain_exists "rkt-$U" && echo yes || echo no)"
  collect gc
  expect_eq "$c: rkt gc destroys the domain, unmounts everything and removes the pod" "0||0" \
    "$GC_RC|$LEFT|$(mounts_under "$DATA")"
  expect_eq "$c: the host's files survive" "up|" "$(cat "$h/data/up" 2>/dev/null)|$(ls "$h/ro")"
}

# bench: `rkt run` of an app that prints one line, without volumes and with four volume shares
scenario_bench() {
  local type=$1 c="$1 bench" i kind t0 plain=() shared=() h=$WORK/host-bench-$1 args
  section "$c"
  rm -rf "$h"
  mkdir -p "$h/a" "$h/b"
  echo x >"$h/f"
  for i in $(seq 1 "$BENCH"); do
    for kind in plain volumes; do
      args=()
      [ "$kind" = plain ] || args=(--volume=a,kind=host,source="$h/a" --volume=b,kind=host,source="$h/b",readOnly=true
        --volume=f,kind=host,source="$h/f" --volume=e,kind=empty)
      t0=$(date +%s%N)
      if [ "$kind" = plain ]; then
        run_volume_pod "bench-$type-$kind-$i" "$type" --net=none "$BUSY" --name=bench || return
      else
        run_volume_pod "bench-$type-$kind-$i" "$type" --net=none "${args[@]}" "$BUSY" --name=bench --mount=volume=a,target=/a \
          --mount=volume=b,target=/b --mount=volume=f,target=/f --mount=volume=e,target=/e || return
      fi
      wait_end "$END_TIMEOUT"
      local ms=$((($(date +%s%N) - t0) / 1000000))
      if [ "$RC" != 0 ] || ! grep -qx bench "$L/run.out"; then
        fail "$c: $kind pod $i" "rkt run exited $RC: $(last_error)"
      elif [ "$kind" = plain ]; then
        plain+=("$ms")
      else
        shared+=("$ms")
      fi
      collect
    done
  done
  [ ${#plain[@]} -gt 0 ] && [ ${#shared[@]} -gt 0 ] || return
  local mp ms
  mp=$(median "${plain[@]}")
  ms=$(median "${shared[@]}")
  bench "$type rkt run of a one-line app, median ms: no volumes $mp (${plain[*]}), four volume shares $ms (${shared[*]}), ratio $(awk -v a="$ms" -v b="$mp" 'BEGIN { printf "%.2f", a / b }')"
  ok "$c: $BENCH + $BENCH pods timed"
}

for t in $TYPES; do
  run_scenario volumes "$t" scenario_volumes "$t"
  run_scenario crash "$t" scenario_crash "$t"
  [ "$BENCH" = 0 ] || scenario_bench "$t"
done
[ "$KEEP" = 1 ] || rm -rf "$WORK"/host-*
summary
[ "$FAILED" = 0 ]
