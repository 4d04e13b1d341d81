#!/usr/bin/env bash
# Security scenarios of the Xen smoke suite: a hostile busybox image, run by the real rkt 1.30.0 on a real Xen host,
# whose root makes device nodes, a setuid-root busybox and a chown'd file in its root filesystem and in a read-write
# host volume; dom0 is checked while the pod runs and after it. Runs in a Xen dom0 as root; needs bash, coreutils,
# util-linux (setpriv, mountpoint), passwd (useradd), tar, gzip, xl, rkt, busybox-static. Not in a dom0?
# tests/smoke/run-on-xen-host.sh boots one.
#
#   security.sh [COMMON-OPTION]...
#
# Common options (lib/suite.sh): --aci PATH, --rkt PATH, --types "pv pvh" (default: pv), --debug, --keep,
# --work DIR (default /var/tmp/s1x-security), --logs DIR, --emulated.
#
# Scenarios per guest type: (1) overlay: the hostile app's files, seen from dom0 through rkt's path of its root,
# the raw overlay layer, the 9p export under <pod>/xen/volumes and the host volume: no device node opens, the setuid
# copy gives an unprivileged user of rkt's group no euid 0 (also through a bind of rkt's mount that the user can
# reach, which tests the mount flags alone); a control directory of dom0 shows that the same probes do detect a
# usable device and a working setuid; an app with readOnlyRootFS cannot write its root as root, even after
# `mount -o remount,rw /`; (2) the same hostile app with --no-overlay; (3) an image asking for more memory than
# host.conf's max-memory-mib is refused in one line, exit 254, leaving nothing; each pod is collected by `rkt gc`,
# which leaves no mount, no domain and no pod directory. Every check prints `ok - …` or `FAIL - …: why`; `# …`
# lines are observations; the last line is `N passed, N failed`, and the exit status is 1 when a check failed.
SUITE=security
WORK=/var/tmp/s1x-security
. "$(dirname "${BASH_SOURCE[0]}")/lib/suite.sh"
PROBE=s1x-probe
MAX_MIB=1024
suite_options "$@"

suite_setup pv
for tool in setpriv mountpoint useradd; do
  command -v "$tool" >/dev/null 2>&1 || fatal "host: $tool" "'$tool' not found (Debian: util-linux, passwd)"
done
# the operator's cap on a pod's memory, which scenario (3)'s image asks to exceed
echo "max-memory-mib = $MAX_MIB" >>"$CONF/stage1-xen/host.conf"

# an unprivileged user in rkt's group: who can read pod directories on a host where rkt is installed
PROBE_MADE=0
if ! id "$PROBE" >/dev/null 2>&1; then
  useradd --system --no-create-home --gid rkt --shell /usr/sbin/nologin "$PROBE" \
    || fatal "host: probe user" "useradd $PROBE failed"
  PROBE_MADE=1
fi
trap 'suite_cleanup; [ "$PROBE_MADE" = 0 ] || userdel "$PROBE" 2>/dev/null' EXIT
ok "host: unprivileged user $PROBE ($(id "$PROBE"))"

# dom0's own root disk, whose device number the hostile image uses
DISK=$(mountpoint -d / 2>/dev/null)
if [ -z "$DISK" ] || [ "${DISK%%:*}" = 0 ]; then
  for f in /sys/block/*/dev; do
    case $f in */loop*|*/ram*) continue ;; esac
    DISK=$(cat "$f")
    break
  done
fi
[[ $DISK =~ ^[0-9]+:[0-9]+$ ]] || fatal "host: root disk" "no block device number for dom0's root ('$DISK')"
ok "host: dom0's root disk is block device $DISK"

HOSTILE=$IMAGES/hostile.aci
make_aci "$HOSTILE" example.com/security-hostile "$(app_json '["/bin/true"]')" \
  || fatal "host: hostile image" "$IMAGE_ERROR"
BIG=$IMAGES/big.aci
make_aci "$BIG" example.com/security-big \
  "$(app_json '["/bin/echo","big"]' '"isolators":[{"name":"resource/memory","value":{"request":"2G","limit":"2G"}}]')" \
  || fatal "host: big image" "$IMAGE_ERROR"

# mount_options PATH: the per-mount options of the last mount at PATH ("none" when nothing is mounted there)
mount_options() {
  awk -v d="$1" '{ p = $5; gsub(/\\040/, " ", p); if (p == d) o = $6 } END { print o == "" ? "none" : o }' \
    /proc/self/mountinfo
}

# closed PATH: "nosuid,nodev" when the mount at PATH has both flags, else its options
closed() {
  local o
  o=$(mount_options "$1")
  if [[ ,$o, == *,nosuid,* ]] && [[ ,$o, == *,nodev,* ]]; then echo "nosuid,nodev"; else echo "$o"; fi
}

# as_probe CMD...: CMD run as the probe user, with its groups, exec'd by a shell that already runs as that user:
# setpriv itself still holds root's capabilities when it calls execve (it drops them only through that exec), so a
# path it execs directly is looked up past directories the user cannot search (measured: a 0700 directory)
as_probe() {
  setpriv --reuid="$PROBE" --regid=rkt --init-groups -- /bin/sh -c 'exec "$@"' sh "$@"
}

# opens [--probe] PATH: whether a process (root, or the probe user) can open PATH for reading: "opened", or why not
opens() {
  local as=() out
  if [ "$1" = --probe ]; then
    as=(as_probe)
    shift
  fi
  if out=$("${as[@]}" sh -c 'exec 3<"$1"' sh "$1" 2>&1); then
    [ -f "$1" ] && echo "opened a regular file" || echo "opened"
  else
    case $out in
      *"Permission denied"*) echo "permission denied" ;;
      *"No such file"*|*"nonexistent"*) echo "no such file" ;;
      *) show "$out" ;;
    esac
  fi
}

# euid PATH: what the probe user gets from running PATH, a busybox (named busybox-* so that its first argument is
# the applet), as su, which busybox runs only with euid 0: "euid 0" (su asks for root's password, or runs the
# command when root has none), "no euid 0"
# (busybox's 'must be suid to work properly'), "permission denied", or what it printed
euid() {
  local out
  out=$(as_probe "$1" su -c 'echo s1x-root-shell' root </dev/null 2>&1)
  case $out in
    *"must be suid to work properly"*) echo "no euid 0" ;;
    *"Permission denied"*) echo "permission denied" ;;
    *Password*|*"incorrect password"*|*s1x-root-shell*) echo "euid 0" ;;
    *) show "${out:-no output}" ;;
  esac
}

# kinds DIR: type, owner and mode of the hostile files in DIR, on one line
kinds() {
  local f out=""
  for f in s1x-disk s1x-mem busybox-suid s1x-chowned; do
    out+="$f: $(stat -c '%F %u:%g %a' "$1/$f" 2>&1 | sed 's/^stat: //');"
  done
  echo "$out"
}

note "host: the probe user runs with $(as_probe grep -E '^(Uid|Cap(Prm|Eff|Amb))' /proc/self/status | tr '\t\n' ' ;')"

# the control: the same files made by root in a plain directory of dom0, where they do work; without it the
# probes below could not fail
CTL=$WORK/control
rm -rf "$CTL"
mkdir -p "$CTL"
chmod 0755 "$CTL"
if ! { mknod -m 0600 "$CTL/s1x-disk" b "${DISK%%:*}" "${DISK##*:}" && mknod -m 0600 "$CTL/s1x-mem" c 1 1 \
  && cp "$BUSYBOX" "$CTL/busybox-suid" && chmod 4755 "$CTL/busybox-suid"; }; then
  fatal "host: control files" "cannot make them in $CTL"
fi
expect_eq "host: control: in a plain directory of dom0, root opens the disk and memory nodes, the probe user gets euid 0 from the setuid busybox" \
  "opened|opened|euid 0" "$(opens "$CTL/s1x-disk")|$(opens "$CTL/s1x-mem")|$(euid "$CTL/busybox-suid")"

# the hostile app: root makes its files in its root and in the host volume, then waits for dom0's checks (a file
# dom0 writes into the volume) before it ends normally
HOSTILE_SH='for d in "" /data; do
  r=""
  mknod -m 0666 "$d/s1x-disk" b '"${DISK%%:*} ${DISK##*:}"' && r="$r disk"
  mknod -m 0666 "$d/s1x-mem" c 1 1 && r="$r mem"
  cp /bin/busybox "$d/busybox-suid" && chmod 4755 "$d/busybox-suid" && r="$r suid"
  touch "$d/s1x-chowned" && chown 1234:5678 "$d/s1x-chowned" && r="$r chowned"
  echo "hostile: made in ${d:-/}:$r"
done
i=0; while [ ! -e /data/go ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i+1)); done
echo "hostile: done"'
RO_SH='if echo x > /s1x-ro 2>/dev/null; then echo "ro: wrote"; else echo "ro: refused"; fi
if mount -o remount,rw / 2>/dev/null; then echo "ro: remounted rw"; else echo "ro: remount failed"; fi
if echo x > /s1x-ro 2>/dev/null || rm /bin/true 2>/dev/null; then echo "ro: wrote after remount"; else echo "ro: refused after remount"; fi'

# ---------------------------------------------------------------------------------------------------------------
# (1) and (2): the hostile app, with rkt's overlays or with --no-overlay (and, with overlays, the read-only app)
scenario_hostile() {
  local type=$1 mode=$2 c="$1 hostile ($2)" h=$WORK/host-$1-$2 extra=() apps=()
  section "$c"
  rm -rf "$h"
  mkdir -p "$h"
  chmod 0755 "$h"
  [ "$mode" = overlay ] || extra=(--no-overlay)
  apps=("$HOSTILE" --name=hostile --mount=volume=data,target=/data --exec=/bin/sh -- -c "$HOSTILE_SH")
  [ "$mode" = no-overlay ] || apps+=(--- "$HOSTILE" --name=ro --readonly-rootfs=true --exec=/bin/sh -- -c "$RO_SH")
  local t0=$SECONDS
  start_pod "hostile-$mode" "$type" --net=none "${extra[@]}" --volume=data,kind=host,source="$h" "${apps[@]}" \
    || { fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"; return; }
  [ "$mode" = no-overlay ] || expect_manifest "$c: rkt's pod manifest gives app ro a read-only root" "$U" \
    '"name":"ro",' '"readOnlyRootFS":true'
  if ! wait_output "hostile: made in /data:" "$READY_TIMEOUT"; then
    fail "$c: the hostile app runs" "no output after $READY_TIMEOUT s: $(last_error)"
    collect gc
    return
  fi
  note "$c: the app started after $((SECONDS - t0)) s"
  local pod root exp upper=""
  pod=$(pod_dir)
  root=$(app_root hostile)
  save_pod_files
  # a writable root is exported where rkt mounted it (an image older than that exported a bind of it)
  exp=$root
  grep -q "tag=app0,security_model=none,path=$exp\"" "$L/domain.cfg" 2>/dev/null || exp=$pod/xen/volumes/app0
  grep -q "tag=app0,security_model=none,path=$exp\"" "$L/domain.cfg" 2>/dev/null \
    || fail "$c: the app's root is share app0" "$(show "$(grep tag= "$L/domain.cfg" 2>/dev/null)")"
  # a QEMU with the fix for CVE-2023-2861 refuses the guest's mknod of a device on a none share (the app's root);
  # dom0 then makes the nodes there itself, as a QEMU without it or an image that carries them would have
  local made
  made=$(grep '^hostile: made in /:' "$L/run.out")
  expect_eq "$c: root in the guest made the setuid busybox and the chown'd file in its root, and all four in the volume" \
    "suid chowned|hostile: made in /data: disk mem suid chowned" \
    "$(grep -o 'suid chowned$' <<<"$made")|$(grep '^hostile: made in /data:' "$L/run.out")"
  if [[ $made != *" disk mem "* ]]; then
    note "$c: the guest's mknod in its root was refused (${made#hostile: made in /:}); dom0 makes the nodes in rkt's path"
    mknod -m 0666 "$root/s1x-disk" b "${DISK%%:*}" "${DISK##*:}"
    mknod -m 0666 "$root/s1x-mem" c 1 1
  fi
  note "$c: in rkt's path of the root: $(kinds "$root")"
  note "$c: in the host volume: $(kinds "$h")"

  # rkt's path of the app's root, and the 9p export of it
  expect_eq "$c: rkt's path of the app's root is a nosuid,nodev mount ($([ "$mode" = overlay ] && echo "rkt's overlay" || echo "bound onto itself"))" \
    "nosuid,nodev" "$(closed "$root")"
  expect_eq "$c: the app's directory in the stage1's tree is root's only" 700 "$(stat -c %a "$(dirname "$root")")"
  expect_eq "$c: root in dom0 cannot open the disk or memory node through rkt's path" "permission denied|permission denied" \
    "$(opens "$root/s1x-disk")|$(opens "$root/s1x-mem")"
  expect_eq "$c: nor through the 9p export ${exp#"$pod"/}" "nosuid,nodev|permission denied|permission denied" \
    "$(closed "$exp")|$(opens "$exp/s1x-disk")|$(opens "$exp/s1x-mem")"
  # `rkt install` gives rkt's group read access to the pod directories; this data directory was made without it,
  # so the probe user would already stop at pods/ (root's, 0750): give rkt's own directories the group, so that
  # the stage1's 0700 directories are what the probes meet
  local d
  for d in "$DATA/pods" "$DATA/pods/run" "$pod" "$pod/stage1" "$pod/overlay" "$pod/overlay"/*; do
    [ ! -d "$d" ] || chgrp rkt "$d"
  done
  note "$c: rkt's path: $(namei -l "$root/busybox-suid" 2>&1 | tail -n +2 | awk '{print $1, $2":"$3, $4}' | paste -sd ';' -)"
  expect_eq "$c: the probe user of rkt's group gets no euid 0 and no device through rkt's path or the export" \
    "permission denied|permission denied|permission denied" \
    "$(euid "$root/busybox-suid")|$(opens --probe "$root/s1x-disk")|$(euid "$exp/busybox-suid")"
  if [ "$mode" = overlay ]; then
    local tree
    tree=$(cat "$pod/appsinfo/hostile/treeStoreID" 2>/dev/null)
    upper=$pod/overlay/$tree/upper/hostile
    expect_eq "$c: the raw overlay layers of the app are root's only (upper, work)" "700 700" \
      "$(stat -c %a "$pod/overlay/$tree/upper" "$pod/overlay/$tree/work" 2>&1 | paste -sd ' ' -)"
    note "$c: raw upper layer: $(namei -l "$upper/busybox-suid" 2>&1 | tail -n +2 | awk '{print $1, $2":"$3, $4}' | paste -sd ';' -)"
    expect_eq "$c: the probe user gets no euid 0 and no device through the raw upper layer" \
      "permission denied|permission denied" "$(euid "$upper/busybox-suid")|$(opens --probe "$upper/s1x-disk")"
    note "$c: in the raw upper layer (dom0's own filesystem, no mount flags): $(kinds "$upper")"
  fi
  # the mount flags alone: rkt's mount seen through a bind of it (a bind keeps the mount's flags) that the probe
  # user can reach
  local peek=$WORK/peek
  mkdir -p "$peek"
  chmod 0755 "$peek"
  if mount --bind "$root" "$peek"; then
    expect_eq "$c: without the directory modes, the mount flags alone: no euid 0, the device nodes (mode 666) do not open" \
      "no euid 0|permission denied|permission denied" \
      "$(euid "$peek/busybox-suid")|$(opens --probe "$peek/s1x-disk")|$(opens --probe "$peek/s1x-mem")"
    umount "$peek"
  else
    fail "$c: a bind of rkt's mount for the probe user" "mount --bind failed"
  fi

  # the host volume: the mapped model keeps the guest's kinds and owners in metadata only
  expect_eq "$c: in the host volume, each is a plain file of root, mode 600" \
    "s1x-disk: regular empty file 0:0 600;s1x-mem: regular empty file 0:0 600;busybox-suid: regular file 0:0 600;s1x-chowned: regular empty file 0:0 600;" \
    "$(kinds "$h")"
  expect_eq "$c: root opens no device and the probe user gets no euid 0 through the host volume" \
    "opened a regular file|opened a regular file|permission denied" \
    "$(opens "$h/s1x-disk")|$(opens "$h/s1x-mem")|$(euid "$h/busybox-suid")"

  # the app ends normally
  echo go >"$h/go"
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod ends" "still running after $END_TIMEOUT s"
    stop_if_alive
  fi
  expect_eq "$c: the app works as usual: its output arrives, every app exits 0 ($(last_error))" "0|hostile: done" \
    "$RC|$(grep -x 'hostile: done' "$L/run.out")"
  if [ "$mode" = overlay ]; then
    expect_line "$c: a read-only root refuses a write by root" "$L/run.out" "ro: refused"
    note "$c: app ro: $(grep -E '^ro: remount' "$L/run.out")"
    expect_line "$c: and still refuses after 'mount -o remount,rw /'" "$L/run.out" "ro: refused after remount"
    expect_eq "$c: the read-only root is unchanged in dom0" "no s1x-ro|/bin/true kept" \
      "$([ -e "$(app_root ro)/s1x-ro" ] && echo "s1x-ro written" || echo "no s1x-ro")|$([ -L "$(app_root ro)/bin/true" ] || [ -e "$(app_root ro)/bin/true" ] && echo "/bin/true kept" || echo "/bin/true removed")"
  fi
  expect_eq "$c: after the run, the stage1's exports are gone and rkt's path stays nosuid,nodev until gc" "0|nosuid,nodev" \
    "$(mounts_under "$pod/xen")|$(closed "$root")"
  collect gc
  expect_eq "$c: rkt gc exits 0 and leaves no domain, no mount and no pod directory" "0||0" \
    "$GC_RC|$LEFT|$(mounts_under "$DATA")"
}

# (3) an image that asks for more memory than the operator allows a pod
scenario_memory() {
  local type=$1 c="$1 memory cap" rc pod
  section "$c"
  new_log memory
  local RKT_DEBUG=0 # the check is that stderr holds one line
  rk_command
  STAGE1_XEN_GUEST_TYPE=$type "${RK_CMD[@]}" run --uuid-file-save="$L/uuid" "$(stage1_option)" --net=none "$BIG" \
    --name=big </dev/null >"$L/run.out" 2>"$L/run.err"
  rc=$?
  U=$(cat "$L/uuid" 2>/dev/null)
  if ! [[ $U =~ ^[0-9a-f-]{36}$ ]]; then
    fail "$c: rkt run" "exit $rc without saving the pod's uuid: $(last_error)"
    return
  fi
  UUIDS+=("$U")
  STAGE1_IMPORTED=1
  pod=$(pod_dir)
  expect_eq "$c: rkt run exits 254" 254 "$rc"
  local want="stage1-xen run: app big: isolator resource/memory limit of "
  if [ "$(grep -c . "$L/run.err")" = 1 ] && [[ $(cat "$L/run.err") == "$want"*"more than the $MAX_MIB MiB a pod may have (raise max-memory-mib in $CONF/stage1-xen/host.conf)" ]]; then
    ok "$c: one line on stderr: $(show "$(cat "$L/run.err")")"
  else
    fail "$c: one line on stderr, naming the isolator, the cap and host.conf" "'$(show "$(cat "$L/run.err")")'"
  fi
  if domain_exists "rkt-$U"; then fail "$c: no domain" "xl lists rkt-$U"; else ok "$c: no domain was created"; fi
  # rkt's overlays (the stage1's and the app's) are all that is mounted; the stage1 made no file of its own
  expect_eq "$c: nothing of the stage1's is left: no mount but rkt's 2 overlays, no xen/ directory" "2|no xen/" \
    "$(mounts_under "$pod")|$([ -e "$pod/xen" ] && echo "xen/: $(ls -A "$pod/xen" | paste -sd ' ' -)" || echo "no xen/")"
  check_collected "$c" gc
}

for t in $TYPES; do
  run_scenario hostile-overlay "$t" scenario_hostile "$t" overlay
  run_scenario hostile-no-overlay "$t" scenario_hostile "$t" no-overlay
  scenario_memory "$t"
done
[ "$KEEP" = 1 ] || rm -rf "$WORK"/host-* "$CTL" "$WORK/peek"
summary
[ "$FAILED" = 0 ]
