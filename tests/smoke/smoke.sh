#!/usr/bin/env bash
# The Xen smoke suite: real pods on a real Xen host, run by the real rkt 1.30.0 with a built stage1-xen.aci and
# checked from the outside (xl, rkt status/list/cat-manifest, the pod directory, the run's exit code and output).
# Runs in a Xen dom0 as root. Needs bash, coreutils, util-linux, tar, gzip, xl, rkt, busybox-static; no Java, no
# python. See README.md next to this file.
#
#   smoke.sh [COMMON-OPTION]... [--only NAME]... [--full] [--ctl-client PATH] [--bench FILE] [--bench-runs N]
#            [--enter-runs N] [--killed-created-runs N]
#
#   --only NAME        run only these scenarios (repeatable): apps enter stop force gc concurrent nobackend refused
#                      bootenter deadenter killed crash unread logflood bench
#   --full             run stop, force and gc on every guest type (default: each on one type, taking the
#                      types in turn: they exercise xl and the supervisor, not the guest type), and bootenter
#                      (default: on the first type)
#   --ctl-client PATH  a static build of tests/xen/ctl-client.c, for the bare `xl create` baseline of the bench
#                      scenario (built here when gcc is available; otherwise that baseline is skipped)
#   --bench FILE       also append the benchmark results to FILE
#   --bench-runs N     timed pods per guest type in the bench scenario, after one untimed warm-up (default 3)
#   --enter-runs N     `rkt enter … true` round trips per guest type for the enter latency (default 10)
#   --killed-created-runs N
#                      how often `killed` destroys a domain as soon as it exists (default 1): that step races xl
#                      create spawning the domain's QEMU, and its outcome depends on where xl is
#
# Common options (lib/suite.sh): --aci PATH, --rkt PATH, --types "pv pvh" (default: every type the host runs),
# --debug, --keep, --work DIR (default /var/tmp/s1x-smoke), --logs DIR, --emulated. Under --emulated (a Xen host
# under QEMU TCG, where PVH guests sometimes die of a triple fault) the PVH apps pod gets one vCPU (--cpu=900m
# instead of 1500m; two-vCPU PVH guests died that way in 2 pods of 2), `concurrent` runs on the first of --types
# (PV) instead of the last, and a PVH scenario whose retry also ends in a triple fault that Xen logged counts as one
# skip instead of failures.
#
# Every check prints `ok - …`, `FAIL - …: why` or `skip - …: why`; the last line is `N passed, N failed`, and the
# exit status is 1 when a check failed.
SUITE=smoke
WORK=/var/tmp/s1x-smoke
. "$(dirname "${BASH_SOURCE[0]}")/lib/suite.sh"
CTL_SOURCE=$REPO/tests/xen/ctl-client.c

ONLY=()
CTL_CLIENT=""
BENCH_RUNS=3
ENTER_RUNS=10
KILLED_CREATED_RUNS=1
FULL=0
END_TIMEOUT=180
ALL_SCENARIOS="apps enter stop force gc concurrent nobackend refused bootenter deadenter killed crash unread logflood bench sandbox sandboxkill"

suite_own_option() {
  SHIFT=2
  case $1 in
    --only) ONLY+=("${2:?--only needs a scenario}") ;;
    --full) FULL=1 SHIFT=1 ;;
    --ctl-client) CTL_CLIENT=${2:?--ctl-client needs a path} ;;
    --bench) BENCH_OUT=${2:?--bench needs a file} ;;
    --bench-runs) BENCH_RUNS=${2:?--bench-runs needs a number} ;;
    --enter-runs) ENTER_RUNS=${2:?--enter-runs needs a number} ;;
    --killed-created-runs) KILLED_CREATED_RUNS=${2:?--killed-created-runs needs a number} ;;
    *) SHIFT=0 ;;
  esac
}
suite_options "$@"
for s in ${ONLY[@]+"${ONLY[@]}"}; do
  case " $ALL_SCENARIOS " in *" $s "*) ;; *) echo "smoke.sh: unknown scenario '$s' (known: $ALL_SCENARIOS)" >&2; exit 2 ;; esac
done
case $BENCH_RUNS$ENTER_RUNS$KILLED_CREATED_RUNS in *[!0-9]*) echo "smoke.sh: --bench-runs, --enter-runs and --killed-created-runs take a number" >&2; exit 2 ;; esac
[ "$BENCH_RUNS" -ge 1 ] && [ "$ENTER_RUNS" -ge 1 ] || { echo "smoke.sh: --bench-runs and --enter-runs take 1 or more" >&2; exit 2; }

want() { # want SCENARIO: selected by --only (or no --only)
  [ ${#ONLY[@]} = 0 ] && return 0
  case " ${ONLY[*]} " in *" $1 "*) return 0 ;; esac
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# The host's device model and the app images

find_device_model() {
  local dm
  for dm in /usr/libexec/xen-qemu-system-i386 /usr/lib/xen-*/bin/qemu-system-i386 /usr/bin/xen-qemu-system-i386 \
    "$(dpkg -L qemu-system-xen 2>/dev/null | grep -m 1 'qemu-system-i386$')" ""; do
    [ -z "$dm" ] || [ ! -x "$dm" ] || break
  done
  DM_BIN=$dm
  if [ -n "$dm" ]; then ok "host: 9pfs backend (QEMU for Xen) at $dm"; else note "no QEMU for Xen found in the usual places (Debian: qemu-system-xen); the pods' 9p shares need it"; fi
  SCRIPT=""
  command -v script >/dev/null 2>&1 && SCRIPT=$(command -v script)
}

# Strings no layer may reinterpret: shell syntax, quoting, option look-alikes, xl and kernel command line syntax.
HOSTILE=("two  spaces" " lead" "trail " "'single'" '"double"' '$HOME' '${PATH}' '$(id)' '`id`' 'a;b|c&d' '*'
  $'line1\nline2' $'tab\there' 'back\slash' '' '-n' '--' '--uuid=x' 'ünïcödé €😀' '%s%n' $'\x01ctl'
  '"; pci = [ "01:00.0" ] #' 'console=ttyS0 init=/bin/sh' ']' '\x41\101')
# What of them survives rkt run's own command line (image arguments after `--`): rkt drops the empty string and
# keeps the other 24 byte for byte (measured with rkt 1.30.0, and checked by the apps scenario in the pod manifest
# rkt writes). The empty one reaches an app only through the image manifest's exec, which rkt copies.
HOSTILE_CLI=()
for h in "${HOSTILE[@]}"; do [ -z "$h" ] || HOSTILE_CLI+=("$h"); done

# app main of the apps pod: prints what it runs as, keeps its arguments, waits until the suite releases it
MAIN_SH='printf "%s\0" "$@" >/tmp/argv
echo "main: uid=$(id -u) gid=$(id -g) groups=$(id -G) cwd=$(pwd) FOO=$FOO app=$AC_APP_NAME home=$HOME"
echo "main: hostname=$(hostname)"
echo "main: on stderr" >&2
while [ ! -e /tmp/release ]; do sleep 0.2; done
echo "main: released"
exit 7'
# app second: the whole hostile argv from its image manifest's exec
SECOND_EXEC=(/bin/sh -c 'printf "%s\0" "$@" >/tmp/argv; echo "second: $# arguments"' second-sh "${HOSTILE[@]}")

prepare_images() {
  section "app images"
  BUSY=$IMAGES/busybox.aci
  HOSTILE_ACI=$IMAGES/hostile.aci
  make_aci "$BUSY" example.com/smoke-busybox "$(app_json '["/bin/echo","smoke-busybox"]')" \
    || fatal "images: busybox app image" "$IMAGE_ERROR"
  make_aci "$HOSTILE_ACI" example.com/smoke-hostile "$(app_json "$(json_list "${SECOND_EXEC[@]}")")" \
    || fatal "images: hostile app image" "$IMAGE_ERROR"
  printf '%s\0' "${HOSTILE[@]}" >"$WORK/hostile.expected"
  printf '%s\0' "${HOSTILE_CLI[@]}" >"$WORK/hostile-cli.expected"
  ok "images: $BUSY and $HOSTILE_ACI"

  if [ -z "$CTL_CLIENT" ] && want bench && command -v gcc >/dev/null 2>&1; then
    if gcc -static -O2 -o "$WORK/ctl-client" "$CTL_SOURCE" >"$WORK/ctl-client.log" 2>&1; then
      CTL_CLIENT=$WORK/ctl-client
    else
      note "could not build the ctl-client ($(tail -n 1 "$WORK/ctl-client.log")); the bare xl create baseline is skipped"
    fi
  fi
  [ -z "$CTL_CLIENT" ] || [ -x "$CTL_CLIENT" ] || fatal "images: ctl-client" "--ctl-client $CTL_CLIENT is not executable"
}

# ---------------------------------------------------------------------------------------------------------------
# Scenarios

# rkt's status of a pod that ran and ended with these app codes (rkt prints app-* lines only once it is not running)
exited_status() { # exited_status PID APP=CODE... (the apps sorted by name, as rkt_status prints them)
  local s="state=exited created started networks= pid=$1 exited=true" a
  shift
  for a in "$@"; do s+=" app-$a"; done
  echo "$s"
}

# note_starting_status CHECK-PREFIX: what rkt status says of pod U once rkt has moved it to pods/run, before it is
# ready (an observation, not a check: when the stage1 writes `pid` is its own business)
note_starting_status() {
  local n=0
  while [ ! -d "$DATA/pods/run/$U" ] && alive "${RUNPID[$U]}" && [ $n -lt 600 ]; do sleep 0.5; n=$((n + 1)); done
  note "$1: rkt status as the pod starts: $(rkt_status "$U")"
}

# apps (and enter): two apps from rkt run's flags (user, group, supplementary gids, working directory, environment,
# memory and cpu, image arguments) and from an image manifest (a hostile argv); what rkt writes and shows; the
# domain's type and size; output and exit codes; while main waits, the enter scenarios.
scenario_apps() {
  local type=$1 with_apps=$2 with_enter=$3 name=apps c cpu=1500m
  [ "$with_apps" = 1 ] || name=enter
  c="$type $name"
  section "$c"
  # see --emulated
  [ "$EMULATED" != 1 ] || [ "$type" != pvh ] || cpu=900m
  if ! start_pod "$name" "$type" --net=none \
    "$BUSY" --name=main --exec=/bin/sh --user=alice --group=staff --supplementary-gids=10 --working-dir=/srv/work \
    "--environment=FOO=bar  baz" --memory=100M --cpu=$cpu -- -c "$MAIN_SH" main-sh "${HOSTILE[@]}" --- \
    "$HOSTILE_ACI" --name=second; then
    fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
    return
  fi
  note_starting_status "$c"
  await_ready "$c" || return
  local pod dom pid
  pod=$(pod_dir)
  dom=rkt-$U
  pid=${RUNPID[$U]}
  ok "$c: pod ready $(secs "$READY_MS") s after rkt run started (rkt status --wait-ready)"

  if [ "$with_apps" = 1 ]; then
    expect_manifest "$c: rkt's pod manifest has app main as its flags say (exec with 24 of the 25 hostile strings: rkt's command line drops the empty one)" "$U" \
      '{"name":"main","image":{"name":"example.com/smoke-busybox",' \
      "\"app\":{\"exec\":$(json_list /bin/sh -c "$MAIN_SH" main-sh "${HOSTILE_CLI[@]}"),\"user\":\"alice\",\"group\":\"staff\",\"supplementaryGIDs\":[10],\"workingDirectory\":\"/srv/work\",\"environment\":[{\"name\":\"FOO\",\"value\":\"bar  baz\"}],\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"default\":false,\"request\":\"100M\",\"limit\":\"100M\"}},{\"name\":\"resource/cpu\",\"value\":{\"default\":false,\"request\":\"$cpu\",\"limit\":\"$cpu\"}}]}"
    expect_manifest "$c: rkt's pod manifest has app second with its image's exec (all 25 hostile strings)" "$U" \
      '{"name":"second","image":{"name":"example.com/smoke-hostile",' \
      "\"app\":{\"exec\":$(json_list "${SECOND_EXEC[@]}"),\"user\":\"0\",\"group\":\"0\"}}"

    local json got_type list mem vcpus want_vcpus
    json=$(xl list -l "$dom" 2>&1 | tr -d ' \t\n')
    got_type=$(sed -n 's/.*"c_info":{[^}]*"type":"\([a-z]*\)".*/\1/p' <<<"$json")
    expect_eq "$c: the domain is a $type guest (xl list -l c_info.type)" "$type" "$got_type"
    list=$(xl list "$dom" 2>&1 | awk 'NR == 2 {print $3, $4}')
    mem=${list% *}
    vcpus=${list#* }
    # 48 MiB guest overhead + 96 MiB (main's 100M limit) + 64 MiB (second, no limit) + 4 MiB for the second 9p
    # share; 1500m -> 2 vCPUs, 900m -> 1
    want_vcpus=$((HOST_CPUS < 2 ? HOST_CPUS : 2))
    [ "$cpu" = 1500m ] || want_vcpus=1
    # the domain's size is its maximum (xl list -l b_info.max_memkb): what xl list shows is what the guest holds, and a
    # PVH guest of the built kernel hands its grant-table frames (256 KiB) back to Xen, so it shows 211 there
    expect_eq "$c: the domain has the memory the isolators ask for (xl list -l max_memkb)" $((212 * 1024)) \
      "$(sed -n 's/.*"max_memkb":\([0-9]*\).*/\1/p' <<<"$json")"
    if [ "${mem:-0}" -ge 211 ] && [ "${mem:-0}" -le 212 ]; then
      ok "$c: the guest holds all of it but at most its grant-table frames (xl list: $mem MiB)"
    else
      fail "$c: the guest holds all of it but at most its grant-table frames" "xl list shows '$mem' MiB, not 211-212"
    fi
    expect_eq "$c: the domain has the vCPUs the isolators ask for ($cpu; xl list)" "$want_vcpus" "$vcpus"
    expect_eq "$c: rkt's pid file holds the run process" "$pid" "$(cat "$pod/pid" 2>/dev/null)"
    expect_eq "$c: rkt status while it runs: running, with its pid, no app-* lines" \
      "state=running created started networks= pid=$pid exited=false" "$(rkt_status "$U")"
    expect_eq "$c: rkt list --full: app main, running, with a STARTED time" "main|running|yes" \
      "$(rkt_list_fields "$U" APP STATE STARTED | sed 's/|[^|][^|]*$/|yes/; s/|$/|no/')"

    wait_output "second: " 60
    wait_output "main: hostname=" 60
    expect_in "$c: app main runs as alice:staff with its supplementary group, in its working directory, with its environment" \
      "$L/run.out" "main: uid=1000 gid=2000 groups=2000 10 cwd=/srv/work FOO=bar  baz app=main home=/home/alice"
    expect_in "$c: the apps' hostname is rkt-<uuid>" "$L/run.out" "main: hostname=rkt-$U"
    expect_in "$c: an app's stderr arrives on rkt run's stderr" "$L/run.err" "main: on stderr"
    expect_in "$c: app second runs beside main" "$L/run.out" "second: ${#HOSTILE[@]} arguments"
    local argv=$pod/stage1/rootfs/opt/stage2/second/rootfs/tmp/argv
    if cmp -s "$WORK/hostile.expected" "$argv"; then
      ok "$c: a hostile argv (${#HOSTILE[@]} strings: quotes, \$(), newlines, NUL-free control bytes, xl and cmdline syntax, '', '--') from the image manifest arrives byte for byte"
    else
      fail "$c: hostile argv from the image manifest" "the argv app second wrote differs: $(show "$(tr '\0' '|' <"$argv" 2>/dev/null)")"
    fi
    argv=$(app_root main)/tmp/argv
    if cmp -s "$WORK/hostile-cli.expected" "$argv"; then
      ok "$c: the ${#HOSTILE_CLI[@]} hostile strings rkt run's command line keeps arrive byte for byte"
    else
      fail "$c: hostile argv through rkt run's command line" "the argv app main wrote differs: $(show "$(tr '\0' '|' <"$argv" 2>/dev/null)")"
    fi
    expect_eq "$c: app second's exit code lands in rkt/status while main runs" 0 "$(cat "$pod/stage1/rootfs/rkt/status/second" 2>/dev/null)"
  fi

  [ "$with_enter" = 1 ] && enter_checks "$type" "$c"

  # release main: it exits 7, which ends the pod
  touch "$(app_root main)/tmp/release"
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod ends after main exits" "rkt run still running $END_TIMEOUT s after main was released"
    check_collected "$c"
    return
  fi
  if [ "$with_apps" = 1 ]; then
    expect_eq "$c: rkt run's exit code is main's (7)" 7 "$RC"
    expect_in "$c: main's last output arrives" "$L/run.out" "main: released"
    expect_eq "$c: rkt/status/main holds 7" 7 "$(cat "$pod/stage1/rootfs/rkt/status/main" 2>/dev/null)"
    expect_eq "$c: rkt/status/second holds 0" 0 "$(cat "$pod/stage1/rootfs/rkt/status/second" 2>/dev/null)"
    expect_eq "$c: rkt status of the exited pod: each app's code" "$(exited_status "$pid" main=7 second=0)" "$(rkt_status "$U")"
    expect_eq "$c: rkt list --full: exited" exited "$(rkt_list_fields "$U" STATE)"
    if domain_exists "$dom"; then fail "$c: the domain is gone when rkt run returns" "xl still lists $dom"; else ok "$c: the domain is gone when rkt run returns"; fi
  else
    expect_eq "$c: rkt run's exit code once main is released" 7 "$RC"
  fi
  check_collected "$c"
  if [ "$with_apps" = 1 ]; then
    expect_eq "$c: rkt rm printed the pod's uuid" "\"$U\"" "$(cat "$L/gc.out")"
    expect_eq "$c: rkt status after rkt rm: no such pod" "status: problem retrieving pod: no matches found for \"$U\"" "$(rk status "$U" 2>&1)"
  fi
}

# enter_checks TYPE CHECK-PREFIX: `rkt enter` into the running pod U (app main)
enter_checks() {
  local type=$1 c="$2: enter" rc E root
  root=$(app_root main)
  E=(rk enter --app=main "$U")

  "${E[@]}" /bin/sh -c 'exit 42' </dev/null >"$L/enter-exit.out" 2>"$L/enter-exit.err"
  expect_eq "$c: the command's exit code is rkt enter's (42)" 42 "$?"

  "${E[@]}" /bin/sh -c 'echo "out uid=$(id -u) cwd=$(pwd) app=$AC_APP_NAME FOO=$FOO"; echo "to stderr" >&2' \
    </dev/null >"$L/enter-streams.out" 2>"$L/enter-streams.err"
  rc=$?
  expect_eq "$c: stdout holds only stdout; as the app runs (alice, its working directory, its environment)" "out uid=1000 cwd=/srv/work app=main FOO=bar  baz" "$(cat "$L/enter-streams.out")"
  expect_in "$c: stderr arrives apart (exit $rc)" "$L/enter-streams.err" "to stderr"

  head -c 65536 /dev/urandom >"$L/enter-stdin.bin"
  "${E[@]}" /bin/cat <"$L/enter-stdin.bin" >"$L/enter-stdin.out" 2>"$L/enter-stdin.err"
  rc=$?
  if [ $rc = 0 ] && cmp -s "$L/enter-stdin.bin" "$L/enter-stdin.out"; then
    ok "$c: 64 KiB of random bytes through stdin come back unchanged from cat, which saw stdin's end"
  else
    fail "$c: stdin round trip" "exit $rc, $(stat -c %s "$L/enter-stdin.out") of 65536 bytes, $(cmp "$L/enter-stdin.bin" "$L/enter-stdin.out" 2>&1 | head -n 1)"
  fi

  # a file of random bytes put into the app's root from dom0, read back through enter's stdout
  head -c 262144 /dev/urandom >"$root/tmp/blob"
  "${E[@]}" /bin/cat /tmp/blob </dev/null >"$L/enter-binary.out" 2>"$L/enter-binary.err"
  rc=$?
  if [ $rc = 0 ] && cmp -s "$root/tmp/blob" "$L/enter-binary.out"; then
    ok "$c: binary output (256 KiB of random bytes) arrives byte for byte"
  else
    fail "$c: binary output" "exit $rc, $(stat -c %s "$L/enter-binary.out") of 262144 bytes, $(cmp "$root/tmp/blob" "$L/enter-binary.out" 2>&1 | head -n 1)"
  fi

  # rkt enter passes its whole command line on, the empty string too
  "${E[@]}" /bin/sh -c 'printf "%s\0" "$@"' enter-sh "${HOSTILE[@]}" </dev/null >"$L/enter-argv.out" 2>"$L/enter-argv.err"
  if cmp -s "$WORK/hostile.expected" "$L/enter-argv.out"; then
    ok "$c: the hostile argv (all ${#HOSTILE[@]}) reaches the command byte for byte"
  else
    fail "$c: hostile argv" "got $(show "$(tr '\0' '|' <"$L/enter-argv.out")")"
  fi

  "${E[@]}" /no/such/command </dev/null >/dev/null 2>"$L/enter-127.err"
  expect_eq "$c: a missing command exits 127" 127 "$?"

  # without a command rkt runs /bin/bash, which the busybox image does not have
  rk enter --app=main "$U" </dev/null >/dev/null 2>"$L/enter-nocmd.err"
  rc=$?
  expect_eq "$c: no command: rkt says it assumes /bin/bash, which the app lacks (127)" \
    "127 enter: no command specified, assuming \"/bin/bash\"" "$rc $(head -n 1 "$L/enter-nocmd.err")"

  # rkt passes an unknown app name on to the stage1, which refuses it
  rk enter --app=nosuch "$U" /bin/true </dev/null >/dev/null 2>"$L/enter-125.err"
  rc=$?
  if [ $rc = 125 ] && [ "$(grep -c . "$L/enter-125.err")" = 1 ] && grep -q nosuch "$L/enter-125.err"; then
    ok "$c: an unknown app gets 125 and one line naming it ($(show "$(cat "$L/enter-125.err")"))"
  else
    fail "$c: unknown app" "exit $rc, stderr '$(show "$(cat "$L/enter-125.err")")'"
  fi

  # two apps and no --app: rkt itself refuses, naming them
  rk enter "$U" /bin/true </dev/null >/dev/null 2>"$L/enter-noapp.err"
  rc=$?
  expect_eq "$c: two apps and no --app: rkt lists them and exits 254" \
    "254|enter: pod contains multiple apps:|enter: "$'\t'"main|enter: "$'\t'"second|enter: unable to determine app name: specify app using \"rkt enter --app= ...\"" \
    "$rc|$(paste -sd '|' "$L/enter-noapp.err")"

  # three sessions at once: each waits (in the guest) until all three are there
  local i pids=() barrier='touch /tmp/conc-$1; n=0
while [ "$(ls /tmp | grep -c "^conc-")" -lt 3 ] && [ $n -lt 900 ]; do sleep 0.1; n=$((n + 1)); done
echo "session $1 saw $(ls /tmp | grep -c "^conc-") sessions"; exit $((20 + $1))'
  for i in 1 2 3; do
    "${E[@]}" /bin/sh -c "$barrier" conc-sh "$i" </dev/null >"$L/enter-conc-$i.out" 2>"$L/enter-conc-$i.err" &
    pids+=($!)
  done
  local all_ok=1 why=""
  for i in 1 2 3; do
    wait "${pids[$((i - 1))]}"
    rc=$?
    if [ $rc != $((20 + i)) ] || [ "$(cat "$L/enter-conc-$i.out")" != "session $i saw 3 sessions" ]; then
      all_ok=0
      why="$why session $i: exit $rc, '$(show "$(cat "$L/enter-conc-$i.out" "$L/enter-conc-$i.err")")';"
    fi
  done
  if [ $all_ok = 1 ]; then ok "$c: three concurrent sessions run at the same time, each with its own output and exit code"; else fail "$c: concurrent sessions" "$why"; fi

  if [ -n "$SCRIPT" ]; then
    local cmd
    rk_command
    cmd=$(printf '%q ' "${RK_CMD[@]}" enter --app=main "$U" /bin/sh)
    { sleep 2; printf 'echo pty-$((6*7)); tty\n'; sleep 1; printf 'exit 5\n'; } \
      | SHELL=/bin/bash timeout 120 "$SCRIPT" -qefc "$cmd" /dev/null >"$L/enter-pty.out" 2>&1
    rc=$?
    if [ $rc = 5 ] && grep -q 'pty-42' "$L/enter-pty.out" && grep -q '/dev/pts/[0-9]' "$L/enter-pty.out"; then
      ok "$c: an interactive shell on a pty (driven by script): output, tty /dev/pts/N, exit code 5"
    else
      fail "$c: interactive shell on a pty" "exit $rc, output '$(show "$(tail -c 300 "$L/enter-pty.out")")'"
    fi
  else
    skip "$c: interactive shell on a pty" "util-linux 'script' is not installed"
  fi

  enter_latency "$type" "$c"
}

# enter_latency TYPE CHECK-PREFIX: `rkt enter … true` round trips next to the enter entrypoint alone (exec'd the way
# rkt execs it: from rkt's tree store, in the pod directory) and to xl round trips, in the same pod
enter_latency() {
  local type=$1 c=$2 pod i t a=() b=() x=() y=() bad=0 tree pid
  pod=$(pod_dir)
  tree=$(cat "$pod/stage1TreeStoreID")
  pid=$(cat "$pod/pid")
  for ((i = 0; i < ENTER_RUNS; i++)); do
    t=$(now_ns)
    rk enter --app=main "$U" true </dev/null >/dev/null 2>&1 || bad=$((bad + 1))
    a+=("$(ms_between "$t" "$(now_ns)")")
    t=$(now_ns)
    (cd "$pod" && exec "$DATA/cas/tree/$tree/rootfs/enter" --pid="$pid" --appname=main -- true) </dev/null >/dev/null 2>&1 || bad=$((bad + 1))
    b+=("$(ms_between "$t" "$(now_ns)")")
    t=$(now_ns)
    xl domid "rkt-$U" >/dev/null 2>&1 || bad=$((bad + 1))
    x+=("$(ms_between "$t" "$(now_ns)")")
    t=$(now_ns)
    xl list "rkt-$U" >/dev/null 2>&1 || bad=$((bad + 1))
    y+=("$(ms_between "$t" "$(now_ns)")")
  done
  if [ $bad = 0 ]; then
    ok "$c: $ENTER_RUNS x 'rkt enter … true', the entrypoint alone and xl round trips all succeeded"
  else
    fail "$c: latency runs" "$bad of $((4 * ENTER_RUNS)) commands failed"
  fi
  bench "$type enter latency, median of $ENTER_RUNS (ms): rkt enter … true $(median "${a[@]}"), enter entrypoint alone $(median "${b[@]}") (min $(printf '%s\n' "${b[@]}" | sort -n | head -n 1), max $(printf '%s\n' "${b[@]}" | sort -n | tail -n 1)), xl domid $(median "${x[@]}"), xl list $(median "${y[@]}")"
}

# stop: apps that never exit; rkt stop ends them in order (SIGTERM, grace, SIGKILL); rkt gc collects the pod
scenario_stop() {
  local type=$1 c="$1 stop" pod t out rc pid
  section "$c"
  start_ready stop "$type" --net=none \
    "$BUSY" --name=trapper --exec=/bin/sh -- -c 'trap "echo trapper: got TERM; exit 0" TERM; echo trapper: up; while :; do sleep 1; done' --- \
    "$BUSY" --name=stubborn --exec=/bin/sh -- -c 'trap "" TERM; echo stubborn: up; while :; do sleep 1; done' || return
  pod=$(pod_dir)
  pid=${RUNPID[$U]}
  if ! wait_output "trapper: up" 60 || ! wait_output "stubborn: up" 60; then
    fail "$c: both apps started" "$(show "$(cat "$L/run.out")")"
    check_collected "$c" gc
    return
  fi
  t=$(now_ns)
  out=$(rk stop "$U" 2>"$L/stop.err")
  rc=$?
  expect_eq "$c: rkt stop succeeds and prints the pod's uuid" "0 \"$U\"" "$rc $out"
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod stops" "rkt run still running $END_TIMEOUT s after rkt stop"
    check_collected "$c" gc
    return
  fi
  ok "$c: the pod stopped $(secs "$(ms_between "$t" "$(now_ns)")") s after rkt stop (grace $STOP_GRACE s)"
  expect_in "$c: the app that handles SIGTERM got it" "$L/run.out" "trapper: got TERM"
  expect_eq "$c: rkt/status/trapper holds 0 (ended on SIGTERM)" 0 "$(cat "$pod/stage1/rootfs/rkt/status/trapper" 2>/dev/null)"
  expect_eq "$c: rkt/status/stubborn holds 137 (SIGKILL after the grace period)" 137 "$(cat "$pod/stage1/rootfs/rkt/status/stubborn" 2>/dev/null)"
  expect_eq "$c: rkt run's exit code is the first failure (137)" 137 "$RC"
  if domain_exists "rkt-$U"; then fail "$c: the domain is gone when rkt run returns" "xl still lists rkt-$U"; else ok "$c: the domain is gone when rkt run returns"; fi
  expect_eq "$c: rkt status of the stopped pod" "$(exited_status "$pid" stubborn=137 trapper=0)" "$(rkt_status "$U")"
  out=$(rk stop "$U" 2>&1)
  expect_eq "$c: a second rkt stop: already stopped, exit 0" "0 pod \"$U\" is already stopped" "$? $out"
  check_collected "$c" gc
  expect_line "$c: rkt gc --grace-period=0s collected it" "$L/gc.out" "Garbage collecting pod \"$U\""
}

# force: rkt stop --force destroys the domain at once, whatever the apps do
scenario_force() {
  local type=$1 c="$1 force" out rc
  section "$c"
  start_ready force "$type" --net=none \
    "$BUSY" --name=forever --exec=/bin/sh -- -c 'trap "" TERM; echo forever: up; while :; do sleep 1; done' || return
  wait_output "forever: up" 60 || fail "$c: the app started" "$(show "$(cat "$L/run.out")")"
  out=$(rk stop --force "$U" 2>"$L/stop.err")
  rc=$?
  expect_eq "$c: rkt stop --force succeeds and prints the pod's uuid" "0 \"$U\"" "$rc $out"
  if domain_exists "rkt-$U"; then fail "$c: the domain is gone when rkt stop --force returns" "xl still lists rkt-$U"; else ok "$c: the domain is gone when rkt stop --force returns"; fi
  if wait_end 60; then
    expect_eq "$c: rkt run exits with 137 (killed)" 137 "$RC"
    out=$(rkt_status "$U")
    if [[ $out == "state=exited "*" exited=true"* ]]; then ok "$c: rkt status: exited ($out)"; else fail "$c: rkt status" "'$(show "$out")'"; fi
  else
    fail "$c: rkt run ends after rkt stop --force" "still running after 60 s"
  fi
  check_collected "$c"
}

# unread: a guest that stopped reading its control channel (here: paused with xl pause, as a hung or hostile guest
# would behave) cannot hold up rkt stop: it does not answer the stop request, and the domain is destroyed when the
# grace period ends, not after the grace period and the margin
scenario_unread() {
  local type=$1 c="$1 unread" out rc t0 t destroyed_ms end_ms
  section "$c"
  start_ready unread "$type" --net=none \
    "$BUSY" --name=loop --exec=/bin/sh -- -c 'echo loop: up; while :; do sleep 1; done' || return
  wait_output "loop: up" 60 || fail "$c: the app started" "$(show "$(cat "$L/run.out")")"
  if ! xl pause "rkt-$U" 2>"$L/pause.err"; then
    fail "$c: xl pause" "$(show "$(cat "$L/pause.err")")"
    check_collected "$c"
    return
  fi
  t0=$(now_ns)
  out=$(rk stop "$U" 2>"$L/stop.err")
  rc=$?
  # rkt stop returns once the stop entrypoint has signalled the supervisor: the grace period starts about then
  t=$(now_ns)
  expect_eq "$c: rkt stop of the paused pod succeeds and prints the pod's uuid ($(secs "$(ms_between "$t0" "$t")") s)" \
    "0 \"$U\"" "$rc $out"
  # the supervisor's warning appears when it gives up on the guest, before xl destroy returns
  while alive "${RUNPID[$U]}" && ! grep -q "did not answer the stop request" "$L/run.err" \
    && [ "$(ms_between "$t" "$(now_ns)")" -lt $(((STOP_GRACE + 30) * 1000)) ]; do sleep 0.1; done
  destroyed_ms=$(ms_between "$t" "$(now_ns)")
  if wait_end "$END_TIMEOUT"; then
    end_ms=$(ms_between "$t" "$(now_ns)")
    expect_in "$c: the supervisor says why it destroys the domain" "$L/run.err" \
      "did not answer the stop request within $STOP_GRACE s (its guest stopped reading its control channel); destroying it"
    # the supervisor's own deadline is the grace period from SIGTERM; 2 s more cover rkt's exit after the signal and
    # seeing the warning in the log under software emulation (measured 3.2 and 3.7 s for a grace period of 3 s)
    if [ "$destroyed_ms" -le $(((STOP_GRACE + 2) * 1000)) ]; then
      ok "$c: the paused guest is given up on within the grace period: $(secs "$destroyed_ms") s after rkt stop returned (grace $STOP_GRACE s)"
    else
      fail "$c: given up on within the grace period ($STOP_GRACE s)" "after $(secs "$destroyed_ms") s"
    fi
    note "$c: rkt run ended $(secs "$end_ms") s after rkt stop returned (xl destroy of a paused domain takes the rest)"
    expect_eq "$c: rkt run exits 137, as for a pod killed by rkt stop --force ($(show "$(last_error)"))" 137 "$RC"
    bench "$type stop of a paused pod (grace $STOP_GRACE s), from rkt stop's return: destroy decided after $(secs "$destroyed_ms") s, rkt run ended after $(secs "$end_ms") s"
    if domain_exists "rkt-$U"; then fail "$c: the domain is gone when rkt run returns" "xl still lists rkt-$U"; else ok "$c: the domain is gone when rkt run returns"; fi
    out=$(rkt_status "$U")
    if [[ $out == "state=exited "* ]]; then ok "$c: rkt status: exited"; else fail "$c: rkt status" "'$(show "$out")'"; fi
  else
    fail "$c: the pod ends after rkt stop" "rkt run still running $END_TIMEOUT s after rkt stop"
  fi
  check_collected "$c"
}

# logflood: root in the guest forges control frames: it writes LOG frames full of terminal escape sequences and
# look-alikes of stage1-xen's own lines straight to the channel's device (/dev/hvc1 from a devtmpfs it mounts).
# Whatever it writes, the operator's stderr gets no control character and no line that is not stage1-xen's
scenario_logflood() {
  local type=$1 c="$1 logflood" frames=$WORK/frames text n
  section "$c"
  rm -rf "$frames"
  mkdir -p "$frames"
  # ESC ] 0 ; … BEL retitles a terminal, ESC [ 2 J clears it, CR and LF start a forged line, U+009B is CSI in UTF-8
  text=$(printf '\033]0;pwned\007\033[2J\033[31m\rstage1-xen run: forged by the guest\nstage1-xen run: another\302\233m\177 end')
  n=$(printf '%s' "$text" | wc -c)
  # LOG (0x85), session 0, length (u32, big-endian), then the level (2: warning, shown without --debug) and the text
  printf "\\205\\000\\000\\000\\000\\000\\000\\$(printf %03o $(((n + 1) >> 8)))\\$(printf %03o $(((n + 1) & 255)))\\002" >"$frames/log.bin"
  printf '%s' "$text" >>"$frames/log.bin"
  start_pod logflood "$type" --net=none --volume=frames,kind=host,source="$frames",readOnly=true \
    "$BUSY" --name=forger --mount=volume=frames,target=/frames --exec=/bin/sh -- -c \
    'mkdir -p /tmp/d && mount -t devtmpfs dev /tmp/d && i=0 && while [ $i -lt 200 ]; do cat /frames/log.bin > /tmp/d/hvc1 || exit 9; i=$((i+1)); done; sleep 2; echo forger: done' \
    || { fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"; return; }
  if ! wait_end "$END_TIMEOUT"; then
    fail "$c: the pod ends" "still running after $END_TIMEOUT s"
    check_collected "$c"
    return
  fi
  local forged esc
  forged=$(grep -c 'forged by the guest' "$L/run.err")
  note "$c: rkt run exited $RC; $forged of 200 forged LOG frames reached stderr; first: $(grep -m1 'forged by the guest' "$L/run.err" | cut -c1-200)"
  if [ "$forged" -ge 1 ]; then ok "$c: the forged frames were taken as LOG frames ($forged shown)"; else fail "$c: the forged frames arrive" "none on stderr: $(show "$(tail -n 3 "$L/run.err")")"; fi
  esc=$(LC_ALL=C tr -d '\n\t' <"$L/run.err" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)
  expect_eq "$c: run's stderr holds no control character (ESC, BEL, CR, DEL)" 0 "$esc"
  if LC_ALL=C grep -q $'\xc2\x9b' "$L/run.err"; then fail "$c: no C1 CSI on stderr" "U+009B came through"; else ok "$c: no C1 CSI (U+009B) on stderr"; fi
  if grep -q '^stage1-xen run: forged\|^stage1-xen run: another' "$L/run.err"; then
    fail "$c: no forged line of stage1-xen's own" "$(grep -m1 '^stage1-xen run: forged\|^stage1-xen run: another' "$L/run.err")"
  else
    ok "$c: no line on stderr starts as one of stage1-xen's own"
  fi
  expect_in "$c: the escape sequences are shown escaped" "$L/run.err" '\u001b]0;pwned\u0007\u001b[2J'
  expect_eq "$c: the app itself is unharmed: its output and exit code 0" "0 forger: done" "$RC $(grep -o 'forger: done' "$L/run.out")"
  check_collected "$c"
}

# gc: the supervisor is killed (SIGKILL) and the domain outlives it. rkt gc with a long grace period only marks the
# pod as garbage (the stage1's gc does not run: the domain stays); rkt rm of that pod runs it, which removes the
# domain and its backend
scenario_gc() {
  local type=$1 c="$1 gc" domid pid st n out
  section "$c"
  start_ready gc "$type" --net=none \
    "$BUSY" --name=forever --exec=/bin/sh -- -c 'trap "" TERM; echo forever: up; while :; do sleep 1; done' || return
  wait_output "forever: up" 60 || fail "$c: the app started" "$(show "$(cat "$L/run.out")")"
  domid=$(xl domid "rkt-$U" 2>/dev/null)
  pid=${RUNPID[$U]}
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  st=$(rkt_status "$U")
  if [[ $st == "state=exited "*" exited=true"* ]]; then
    ok "$c: the pod's lock dies with its supervisor: rkt status says exited"
  else
    fail "$c: rkt status after SIGKILL of the supervisor" "'$(show "$st")'"
  fi
  if ! domain_exists "rkt-$U"; then
    fail "$c: precondition" "the domain disappeared with the supervisor; nothing left for gc to do"
    check_collected "$c"
    return
  fi
  save_pod_files

  rk gc --grace-period=1h >"$L/gc-grace.out" 2>"$L/gc-grace.err"
  expect_eq "$c: rkt gc --grace-period=1h: marks the pod as garbage and keeps it (rkt's words, exit 0)" \
    "0|gc: moving pod \"$U\" to garbage|gc: pod \"$U\" not removed: still within grace period (1h0m0s)" \
    "$?|$(grep -F "$U" "$L/gc-grace.err" | paste -sd '|')"
  expect_eq "$c: the pod is in exited-garbage; rkt status and rkt list say exited garbage" "yes|exited garbage|exited garbage" \
    "$([ -d "$DATA/pods/exited-garbage/$U" ] && echo yes || echo no)|$(rk status "$U" 2>&1 | sed -n 's/^state=//p')|$(rkt_list_fields "$U" STATE)"
  if domain_exists "rkt-$U"; then
    ok "$c: the stage1's gc has not run within the grace period: the domain is still there"
  else
    fail "$c: gc within the grace period" "the domain is gone: something collected the pod early"
  fi

  out=$(rk rm "$U" 2>"$L/gc.err")
  expect_eq "$c: rkt rm of the pod in exited-garbage succeeds and prints its uuid" "0 \"$U\"" "$? $out"
  if domain_exists "rkt-$U"; then
    fail "$c: rkt rm destroys the domain" "xl still lists rkt-$U (destroying it now)"
    xl destroy "rkt-$U" >/dev/null 2>&1
  else
    ok "$c: rkt rm (the stage1's gc) destroys the domain the killed supervisor left"
  fi
  n=0
  while pgrep -f -- "-xen-domid $domid " >/dev/null 2>&1 && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
  if [ -n "$domid" ] && pgrep -f -- "-xen-domid $domid " >/dev/null 2>&1; then
    fail "$c: no backend left" "a QEMU for domain $domid still runs: $(pgrep -af -- "-xen-domid $domid " | head -n 1)"
  else
    ok "$c: no QEMU backend of domain $domid is left"
  fi
  GC_RC=0
  if leftovers; then ok "$c: rkt rm removes the pod: no mount, no directory"; else fail "$c: rkt rm removes the pod" "left: $LEFT"; fi
}

# bench: from `rkt run-prepared` (and from rkt's exec of the run entrypoint) to the first app output and to the pod's
# end, next to a bare `xl create` of the same domain config (same kernel, initrd, memory, shares, channels) driven
# by the minimal protocol client
scenario_bench() {
  local type=$1 c="$1 bench" i attempt first end x out uuid busy bbusy label line
  local s_first=() s_end=() x_first=() b_first=() b_gone=()
  section "$c ($BENCH_RUNS runs after one warm-up)"
  # run 0 warms up both sides (dom0's page cache, its first xl and QEMU starts) and is not counted: otherwise the
  # stage1, which goes first, would pay for the cold start that its bare baseline then finds done
  for ((i = 0; i <= BENCH_RUNS; i++)); do
    label="run $i"
    [ $i -gt 0 ] || label="warm-up"
    attempt=1
    while :; do
      # rkt prepare fetches the images and lays the pod out before the timing starts
      uuid=$(rk prepare --quiet "$(stage1_option)" "$BUSY" --name=bench --exec=/bin/echo -- smoke-bench 2>"$WORK/prepare.err" | tail -n 1)
      [[ $uuid =~ ^[0-9a-f-]{36}$ ]] || { fail "$c $label: rkt prepare" "$(show "$(tail -n 2 "$WORK/prepare.err")")"; return; }
      STAGE1_IMPORTED=1
      local before tf
      before=$(triple_faults)
      settle
      busy=$(dom0_busy_ms)
      start_prepared "bench-$type-$i$([ $attempt = 1 ] || echo -retry)" "$type" "$uuid" --net=none
      wait_exit "$END_TIMEOUT"
      busy=$(($(dom0_busy_ms) - busy))
      if [ "$RC" = 0 ] && grep -qx smoke-bench "$L/run.out"; then break; fi
      tf=$(new_triple_fault "$before")
      if [ "$type" = pvh ] && [ $attempt = 1 ] && [ -n "$tf" ]; then
        RETRIES+=("$type bench $label: the PVH guest triple-faulted ($tf)")
        note "retrying $type bench $label once: the guest triple-faulted ($tf)"
        collect
        attempt=2
        continue
      fi
      if [ "$type" = pvh ] && [ "$EMULATED" = 1 ] && [ -n "$tf" ]; then
        # as in run_scenario: a fault of the emulated CPU that Xen logged twice is no verdict on the stage1
        skip "$c" "the PVH guest of $label triple-faulted in both attempts under software emulation ($tf)"
      else
        fail "$c $label: the pod runs its app" "rkt run-prepared exit $RC, output '$(show "$(cat "$L/run.out")")': $(last_error)"
      fi
      collect
      return
    done
    out=$(cat "$L/first-output.ns")
    first=$(ms_between "${T0[$U]}" "$out")
    end=$(ms_between "${T0[$U]}" "$(cat "$L/run-eof.ns")")
    # rkt sets the times of stage1/rootfs/rkt/status just before it execs the run entrypoint; the stage1 adds files
    # there later, which moves the directory's mtime but not its atime
    x=$(stat -c %.9X "$(pod_dir)/stage1/rootfs/rkt/status" 2>/dev/null | tr -d .)
    x=$(ms_between "$x" "$out")
    line="$type $label (ms): rkt run-prepared -> first output $first, -> end $end (stage1 exec -> first output $x)"
    line="$line, dom0 busy $busy"
    if [ $i -gt 0 ]; then
      s_first+=("$first")
      s_end+=("$end")
      x_first+=("$x")
    fi
    local ok_bare=0
    if [ -n "$CTL_CLIENT" ]; then
      before=$(triple_faults)
      settle
      bbusy=$(dom0_busy_ms)
      if bare_create "$type" "$i" quiet; then
        ok_bare=1
      elif tf=$(new_triple_fault "$before") && [ "$type" = pvh ] && [ -n "$tf" ]; then
        RETRIES+=("$type bench $label, bare xl create: the PVH guest triple-faulted ($tf)")
        note "retrying the bare xl create of $type bench $label once: the guest triple-faulted ($tf)"
        settle
        bbusy=$(dom0_busy_ms)
        bare_create "$type" "$i" && ok_bare=1
      else
        fail "$type bench $label: bare xl create" "$BARE_ERROR"
      fi
      bbusy=$(($(dom0_busy_ms) - bbusy))
    fi
    if [ $ok_bare = 1 ]; then
      line="$line; bare xl create -> first output $BARE_FIRST, -> gone $BARE_GONE, dom0 busy $bbusy"
      if [ $i -gt 0 ]; then
        b_first+=("$BARE_FIRST")
        b_gone+=("$BARE_GONE")
      fi
    fi
    if [ $i -gt 0 ]; then bench "$line"; else note "$line"; fi
    collect || fail "$c $label: rkt rm" "left: $LEFT"
  done
  ok "$c: $((BENCH_RUNS + 1)) pods ran their app and exited 0"
  local mf ms mx
  mf=$(median "${s_first[@]}")
  ms=$(median "${s_end[@]}")
  mx=$(median "${x_first[@]}")
  line="$type pod start, median of $BENCH_RUNS (ms): rkt run-prepared -> first output $mf, -> end $ms, stage1 exec ->"
  line="$line first output $mx"
  if [ ${#b_first[@]} = "$BENCH_RUNS" ]; then
    local bf bg
    bf=$(median "${b_first[@]}")
    bg=$(median "${b_gone[@]}")
    line="$line; bare xl create -> first output $bf, -> gone $bg; ratio $(ratio "$mf" "$bf") / $(ratio "$ms" "$bg")"
    line="$line (from the stage1's exec $(ratio "$mx" "$bf"))"
    ok "$c: the bare xl create baseline ran $BENCH_RUNS times"
  elif [ -z "$CTL_CLIENT" ]; then
    skip "$c: bare xl create baseline" "no ctl-client (pass --ctl-client, or install gcc and libc6-dev)"
  fi
  bench "$line"
}

# dom0_busy_ms: CPU time dom0 has spent so far (user, nice, system, irq, softirq; all its vCPUs), in ms
dom0_busy_ms() {
  awk '/^cpu / { print ($2 + $3 + $4 + $7 + $8) * 10 }' /proc/stat
}

# settle: dom0 writes back what preparing the pod wrote (an unpacked image is tens of MB) before a timing starts,
# so that neither side of the comparison boots its guest while dom0 is still flushing the other's files
settle() {
  sync
  sleep 1
}

ratio() { # ratio A B: A/B with two decimals
  local r=$(($1 * 100 / ($2 > 0 ? $2 : 1)))
  printf '%d.%02d' $((r / 100)) $((r % 100))
}

# bare_create TYPE RUN [quiet]: the pod's own domain.cfg under another name and socket folder, started with a bare
# `xl create` and driven by ctl-client with a plan of the same app; sets BARE_FIRST and BARE_GONE (ms). A failure is
# reported as a FAIL, or with quiet only described in BARE_ERROR.
bare_create() {
  local type=$1 run=$2 quiet=${3:-} pod bw name t0 n=0 first root
  pod=$(pod_dir)
  bw=$WORK/bare/$type-$run
  name=bare-$U
  rm -rf "$bw"
  mkdir -p "$bw"
  # the bare domain exports the app's root itself (rkt's overlay, mounted until gc), as the stage1 does now (an older
  # image exported a bind of it on xen/volumes/app0, undone when its run ended), and its sockets go to its own folder
  root=$pod/stage1/rootfs/opt/stage2/bench/rootfs
  sed -e "s|^name = .*|name = \"$name\"|" -e "s|path=$pod/xen/volumes/app0\"|path=$root\"|" -e "s|$pod/xen/|$bw/|g" \
    "$pod/xen/domain.cfg" >"$bw/domain.cfg"
  BARE_ERROR=""
  if [ ! -x "$root/bin/echo" ]; then
    BARE_ERROR="the app's root $root has no bin/echo (rkt's overlay is gone?)"
  elif ! grep -q "path=$root\"" "$bw/domain.cfg"; then
    BARE_ERROR="the pod's domain.cfg shares neither the app's root $root nor $pod/xen/volumes/app0"
  fi
  if [ -n "$BARE_ERROR" ]; then
    [ -n "$quiet" ] || fail "$type bench $run: bare xl create" "$BARE_ERROR"
    return 1
  fi
  t0=$(now_ns)
  if xl create -q "$bw/domain.cfg" >"$bw/xl-create.log" 2>&1; then
    timeout 300 "$CTL_CLIENT" "$bw/ctl.sock" "$t0" --share app0 /s1x/share/app0 --app bench /s1x/share/app0 /bin/echo smoke-bench \
      >"$bw/events" 2>&1
    while domain_exists "$name" && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
    BARE_GONE=$(ms_between "$t0" "$(now_ns)")
    cp "$bw/events" "$L/bare-events.txt"
    cp "/var/log/xen/console/guest-$name.log" "$L/bare-console.log" 2>/dev/null
    first=$(sed -n 's/^\([0-9]*\) STDOUT-FIRST 1 smoke-bench$/\1/p' "$bw/events" | head -n 1)
    if domain_exists "$name"; then
      xl destroy "$name" >/dev/null 2>&1
      BARE_ERROR="the domain was still there 30 s after its guest hung up (destroyed)"
    elif [ -z "$first" ] || ! grep -q 'POWEROFF 0' "$bw/events"; then
      BARE_ERROR="no app output or no orderly power-off: $(show "$(tail -n 3 "$bw/events")")"
    fi
  else
    BARE_ERROR="xl create failed: $(show "$(tail -n 2 "$bw/xl-create.log")")"
  fi
  if [ -n "$BARE_ERROR" ]; then
    [ -n "$quiet" ] || fail "$type bench $run: bare xl create" "$BARE_ERROR"
    return 1
  fi
  BARE_FIRST=$first
  return 0
}

# concurrent: three pods started at the same moment, each with its own --hostname and waiting until released:
# three domains at once, each pod's output, exit code and status its own, and one rkt gc collects all three
scenario_concurrent() {
  local type=$1 c="$1 concurrent" i id ids=() us=() ls=() ps=() pod running=0
  section "$c"
  for i in 1 2 3; do
    if ! start_pod "concurrent-$i-$type" "$type" --net=none --hostname="conc-$i" \
      "$BUSY" --name="conc$i" --exec=/bin/sh -- -c "echo \"concurrent: up $i on \$(hostname)\"
while [ ! -e /tmp/release ]; do sleep 0.2; done
echo concurrent: released $i
exit $((10 + i))"; then
      fail "$c: rkt run of pod $i" "ended with $RC before it saved the pod's uuid: $(last_error)"
      continue
    fi
    us+=("$U")
    ls+=("$L")
  done
  for i in "${!us[@]}"; do
    U=${us[$i]} L=${ls[$i]}
    if wait_ready && wait_output "concurrent: up $((i + 1))" 60; then
      id=$(xl domid "rkt-$U" 2>/dev/null)
      [[ $id =~ ^[0-9]+$ ]] && ids+=("$id")
    else
      fail "$c: pod $((i + 1)) ready" "$(last_error)"
    fi
  done
  expect_eq "$c: three domains alive at once" 3 "${#ids[@]}"
  expect_eq "$c: the three domains have distinct ids" 3 "$(printf '%s\n' ${ids[@]+"${ids[@]}"} | sort -u | grep -c .)"
  for i in "${!us[@]}"; do
    U=${us[$i]}
    [[ $(rkt_status "$U") != state=running* ]] || running=$((running + 1))
  done
  expect_eq "$c: rkt status says running for all three" 3 "$running"
  for i in "${!us[@]}"; do
    U=${us[$i]} L=${ls[$i]}
    touch "$(app_root "conc$((i + 1))")/tmp/release"
  done
  for i in "${!us[@]}"; do
    U=${us[$i]} L=${ls[$i]}
    pod=$(pod_dir)
    if wait_end "$END_TIMEOUT"; then
      expect_eq "$c: pod $((i + 1)) exits with its own app's code" $((11 + i)) "$RC"
    else
      fail "$c: pod $((i + 1)) ends" "rkt run still running $END_TIMEOUT s after its release"
    fi
    expect_eq "$c: pod $((i + 1)) printed only its own lines, with its own --hostname" \
      "concurrent: up $((i + 1)) on conc-$((i + 1))|concurrent: released $((i + 1))" "$(paste -sd '|' "$L/run.out" 2>/dev/null)"
    expect_eq "$c: rkt status of pod $((i + 1)) has its code" "$(exited_status "${RUNPID[$U]}" "conc$((i + 1))=$((11 + i))")" "$(rkt_status "$U")"
    stop_if_alive
    save_pod_files
  done
  # one rkt gc for the three
  rk gc --grace-period=0s >"$WORK/concurrent-gc.out" 2>"$WORK/concurrent-gc.err"
  local rc=$? left=""
  for i in "${!us[@]}"; do
    U=${us[$i]}
    grep -qxF "Garbage collecting pod \"$U\"" "$WORK/concurrent-gc.out" || left+="pod $((i + 1)) not collected by rkt gc; "
    leftovers || left+="pod $((i + 1)): $LEFT"
  done
  if [ $rc = 0 ] && [ -z "$left" ]; then
    ok "$c: one rkt gc --grace-period=0s collects the three pods: no domain, no mount, no pod directory left"
  else
    fail "$c: rkt gc of the three pods" "exit $rc; $left $(show "$(tail -n 2 "$WORK/concurrent-gc.err")")"
  fi
}

# nobackend: QEMU for Xen (the 9pfs and channel backend) cannot start, as on a dom0 without qemu-system-xen: run
# fails with one line and 254 before any app ran, and leaves no domain behind
scenario_nobackend() {
  local type=$1 c="$1 nobackend" last st
  section "$c"
  if [ -z "$DM_BIN" ]; then
    skip "$c" "no QEMU for Xen found to take away"
    return
  fi
  # /bin/false in place of the device model for this pod only; undone before any check
  if ! mount --bind /bin/false "$DM_BIN"; then
    skip "$c" "cannot bind /bin/false over $DM_BIN"
    return
  fi
  if ! start_pod nobackend "$type" --net=none "$BUSY" --name=bench --exec=/bin/echo -- smoke-bench; then
    umount "$DM_BIN"
    fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
    return
  fi
  wait_end 300
  umount "$DM_BIN"
  expect_eq "$c: rkt run exits with 254" 254 "$RC"
  last=$(grep -v '^[[:space:]]*$' "$L/run.err" | grep -v DEBUG | tail -n 1)
  note "$c: $last"
  if [[ $last == "stage1-xen run: "* ]] && ! grep -qE 'Exception|^[[:space:]]+at ' "$L/run.err"; then
    ok "$c: the error is one line of run's, without a stack trace"
  else
    fail "$c: one-line error" "$(show "$(tail -n 3 "$L/run.err")")"
  fi
  # the cause, not libxl's clean-up errors that follow it
  if [[ $last == *"device model did not start"* && $last == *"/var/log/xen/qemu-dm-rkt-$U.log"* &&
    $last != *"Destruction of domain failed"* ]]; then
    ok "$c: the error names the device model and its log"
  else
    fail "$c: the error names the device model and its log" "$(show "$last")"
  fi
  if grep -qx smoke-bench "$L/run.out"; then fail "$c: no app ran" "the app printed its line"; else ok "$c: no app ran"; fi
  if domain_exists "rkt-$U"; then fail "$c: no domain is left" "xl still lists rkt-$U"; else ok "$c: no domain is left"; fi
  st=$(rkt_status "$U")
  if [[ $st == "state=exited "*" exited=true" ]]; then ok "$c: rkt status: exited, no app-* line"; else fail "$c: rkt status" "'$(show "$st")'"; fi
  check_collected "$c"
}

# refused: a pod whose run fails before it starts anything (before `pid`): --net=host, which a VM cannot share,
# and a pod manifest whose host volume does not exist. One line on stderr, 254, rkt shows an exited pod that never
# started, and rkt gc leaves nothing.
scenario_refused() {
  local type=$1 c what rc st
  for what in net-host volume; do
    c="$type refused ($what)"
    section "$c"
    new_log "refused-$what"
    local args=(--net=host "$BUSY")
    local want="stage1-xen run: --net=host: "
    if [ "$what" = volume ]; then
      args=(--net=none --volume=data,kind=host,source="$WORK/no-such-dir" "$BUSY" --mount=volume=data,target=/data)
      want="stage1-xen run: $DATA/pods/run/"
    fi
    # without --debug: the check is that stderr holds one line
    local RKT_DEBUG=0
    rk_command
    STAGE1_XEN_GUEST_TYPE=$type "${RK_CMD[@]}" run --uuid-file-save="$L/uuid" "$(stage1_option)" "${args[@]}" \
      </dev/null >"$L/run.out" 2>"$L/run.err"
    rc=$?
    U=$(cat "$L/uuid" 2>/dev/null)
    if ! [[ $U =~ ^[0-9a-f-]{36}$ ]]; then
      fail "$c: rkt run" "exit $rc without saving the pod's uuid: $(last_error)"
      continue
    fi
    UUIDS+=("$U")
    STAGE1_IMPORTED=1
    expect_eq "$c: rkt run exits 254" 254 "$rc"
    if [ "$(grep -c . "$L/run.err")" = 1 ] && [[ $(cat "$L/run.err") == "$want"* ]]; then
      ok "$c: one line on stderr: $(show "$(cat "$L/run.err")")"
    else
      fail "$c: one line on stderr, starting '$want'" "'$(show "$(cat "$L/run.err")")'"
    fi
    if [ "$what" = volume ]; then
      expect_in "$c: the line names the manifest's field and the missing path" "$L/run.err" \
        "/pod: volumes[0].source: the host path of volume \"data\" does not exist: \"$WORK/no-such-dir\""
    fi
    expect_eq "$c: rkt status: exited, never started (no started=, pid= or app-* line)" \
      "state=exited created networks= exited=true" "$(rkt_status "$U")"
    expect_eq "$c: rkt list --full: exited, STARTED empty" "exited|" "$(rkt_list_fields "$U" STATE STARTED)"
    if domain_exists "rkt-$U"; then fail "$c: no domain" "xl lists rkt-$U"; else ok "$c: no domain was created"; fi
    check_collected "$c" gc
    expect_line "$c: rkt gc --grace-period=0s collected it" "$L/gc.out" "Garbage collecting pod \"$U\""
  done
}

# ---------------------------------------------------------------------------------------------------------------
# A pod's life seen from outside: enter during the boot, enter on a dead pod, a domain destroyed at each step of the
# start, a guest that crashes early

# ENTER_CMD: what every enter of these scenarios runs; it prints "entered" and exits 3
ENTER_CMD=(/bin/sh -c 'echo entered; exit 3')
# an app that says it is up and waits until the suite releases it
WAIT_SH='echo main: up; while [ ! -e /tmp/release ]; do sleep 0.2; done; echo main: released'

# until_step SECONDS COMMAND...: polls COMMAND (every 50 ms) while the run of pod U is alive; 1 when the run ended
# or SECONDS passed before it succeeded
until_step() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    alive "${RUNPID[$U]}" && [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}
ctl_sock_exists() { [ -e "$(pod_dir)/xen/ctl.sock" ]; }
said_hello() { grep -q 'guest says hello' "$L/run.err" 2>/dev/null; }
# xl_create_state: whether the run's own `xl create` still runs (its child: the monitor xl daemonizes keeps the same
# command line for the domain's life)
xl_create_state() { if pgrep -P "${RUNPID[$U]}" -f -- "$U/xen/domain.cfg" >/dev/null 2>&1; then echo "still runs"; else echo "has returned"; fi; }
boot_state() { if [ -e "$(pod_dir)/pid" ]; then echo "ready"; else echo "not ready yet (no pid)"; fi; }

# enter_entrypoint OUT COMMAND...: pod U's enter entrypoint exec'd the way rkt execs it (from rkt's tree store, in
# the pod directory, --pid the run process), stdout in OUT.out and stderr in OUT.err
enter_entrypoint() {
  local out=$1 pod tree
  shift
  pod=$(pod_dir)
  tree=$(cat "$pod/stage1TreeStoreID" 2>/dev/null)
  (cd "$pod" && exec "$DATA/cas/tree/$tree/rootfs/enter" --pid="${RUNPID[$U]}" --appname=main -- "$@") \
    </dev/null >"$out.out" 2>"$out.err"
}

# enter_until_running OUT: `rkt enter U ENTER_CMD`, retried (every 100 ms, at most 600 times) only while rkt refuses
# because the pod is not running yet (rkt has not moved it to run/, or does not list it); OUT.retries counts them
enter_until_running() {
  local out=$1 n=0 rc
  while :; do
    rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$out.out" 2>"$out.err"
    rc=$?
    [ $rc = 254 ] && [ $n -lt 600 ] && grep -qE "isn't currently running|no matches found" "$out.err" || break
    n=$((n + 1))
    sleep 0.1
  done
  echo "$n" >"$out.retries"
  return $rc
}

# expect_entered CHECK OUT RC: the enter of OUT printed "entered" and exited 3
expect_entered() {
  if [ "$3" = 3 ] && [ "$(cat "$2.out" 2>/dev/null)" = entered ]; then
    ok "$1: prints 'entered' and exits 3"
  else
    fail "$1" "exit $3, stdout '$(show "$(cat "$2.out" 2>/dev/null)")', stderr '$(show "$(tail -c 300 "$2.err" 2>/dev/null)")'"
  fi
}

# bootenter: `rkt enter` at each point of the boot (right after rkt run started, once the domain exists, once the
# control channel's socket exists, after readiness) and the enter entrypoint alone once the domain exists: each
# waits for the apps and runs the command
scenario_bootenter() {
  local type=$1 c="$1 bootenter" p rc pid pa pb="" pe="" pc=""
  section "$c"
  if ! start_pod bootenter "$type" --net=none "$BUSY" --name=main --exec=/bin/sh -- -c "$WAIT_SH"; then
    fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
    return
  fi
  # (a) as soon as rkt saved the uuid
  enter_until_running "$L/enter-a" &
  pa=$!
  # (b) the domain exists: rkt enter, and the entrypoint alone (which, unlike rkt, does not wait for pid itself)
  if until_step 300 domain_exists "rkt-$U"; then
    note "$c: (b) the domain exists $(ms_between "${T0[$U]}" "$(now_ns)") ms after rkt run; the pod is $(boot_state)"
    rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$L/enter-b.out" 2>"$L/enter-b.err" &
    pb=$!
    enter_entrypoint "$L/enter-b-entrypoint" "${ENTER_CMD[@]}" &
    pe=$!
  else
    fail "$c: (b) the domain appears" "rkt run ended (or 300 s passed) first: $(last_error)"
  fi
  # (c) the control channel's socket exists
  if until_step 300 ctl_sock_exists; then
    note "$c: (c) xen/ctl.sock exists $(ms_between "${T0[$U]}" "$(now_ns)") ms after rkt run; the pod is $(boot_state)"
    rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$L/enter-c.out" 2>"$L/enter-c.err" &
    pc=$!
  else
    fail "$c: (c) xen/ctl.sock appears" "rkt run ended (or 300 s passed) first: $(last_error)"
  fi
  if await_ready "$c"; then
    ok "$c: pod ready $(secs "$READY_MS") s after rkt run started"
    rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$L/enter-d.out" 2>"$L/enter-d.err"
    expect_entered "$c: (d) rkt enter after readiness" "$L/enter-d" $?
  fi
  # each enter started during the boot ends (bounded by the readiness timeout and rkt's own poll)
  for p in a b b-entrypoint c; do
    case $p in a) pid=$pa ;; b) pid=${pb:-} ;; b-entrypoint) pid=${pe:-} ;; c) pid=${pc:-} ;; esac
    [ -n "$pid" ] || continue
    wait "$pid"
    rc=$?
    case $p in
      a) expect_entered "$c: (a) rkt enter right after rkt run started (retried $(cat "$L/enter-a.retries") times while rkt said the pod was not running yet)" "$L/enter-a" $rc ;;
      b) expect_entered "$c: (b) rkt enter as soon as the domain exists" "$L/enter-b" $rc ;;
      b-entrypoint) expect_entered "$c: (b) the enter entrypoint alone, as soon as the domain exists (it waits for the apps)" "$L/enter-b-entrypoint" $rc ;;
      c) expect_entered "$c: (c) rkt enter as soon as xen/ctl.sock exists" "$L/enter-c" $rc ;;
    esac
  done
  if alive "${RUNPID[$U]}"; then
    touch "$(app_root main)/tmp/release"
    wait_end "$END_TIMEOUT"
    expect_eq "$c: released, the pod ends with its app's code (0)" 0 "$RC"
    # the pod whose run has exited, before it is collected (deadenter does the one whose run was killed)
    [ "$RC" != 0 ] || dead_enter "$c (run exited)"
  fi
  check_collected "$c"
  rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$L/gone-rkt.out" 2>"$L/gone-rkt.err"
  expect_eq "$c (collected): rkt enter fails with one line, 254" "254 1" "$? $(grep -c . "$L/gone-rkt.err")"
  note "$c (collected): rkt enter says: $(show "$(cat "$L/gone-rkt.err")")"
}

# dead_enter CHECK: rkt enter, and the enter entrypoint alone, on pod U whose run is gone: one line, 254, at once:
# within DEAD_ENTER_S, far below the wait enter grants a starting pod (its start's deadline from host.conf's xl and
# readiness timeouts, over 10 minutes here, + 15 s);
# not tighter, because on a loaded 2-core machine under software emulation rkt alone took 12 s to refuse
DEAD_ENTER_S=60
dead_enter() {
  local c=$1 t ms rc
  t=$(now_ns)
  rk enter "$U" "${ENTER_CMD[@]}" </dev/null >"$L/dead-rkt.out" 2>"$L/dead-rkt.err"
  rc=$?
  ms=$(ms_between "$t" "$(now_ns)")
  if [ $rc = 254 ] && [ "$(grep -c . "$L/dead-rkt.err")" = 1 ] && [ ! -s "$L/dead-rkt.out" ] && [ "$ms" -lt $((DEAD_ENTER_S * 1000)) ]; then
    ok "$c: rkt enter refuses in $ms ms, exit 254, one line: $(show "$(cat "$L/dead-rkt.err")")"
  else
    fail "$c: rkt enter" "exit $rc after $ms ms, stdout '$(show "$(cat "$L/dead-rkt.out")")', stderr '$(show "$(cat "$L/dead-rkt.err")")'"
  fi
  t=$(now_ns)
  enter_entrypoint "$L/dead-entrypoint" "${ENTER_CMD[@]}"
  rc=$?
  ms=$(ms_between "$t" "$(now_ns)")
  if [ $rc = 254 ] && [ "$(grep -c . "$L/dead-entrypoint.err")" = 1 ] && [ "$ms" -lt $((DEAD_ENTER_S * 1000)) ] &&
    grep -qF "pod $U is not running: its run has exited (or never started)" "$L/dead-entrypoint.err"; then
    ok "$c: the enter entrypoint alone fails in $ms ms, exit 254, one line: $(show "$(cat "$L/dead-entrypoint.err")")"
  else
    fail "$c: the enter entrypoint alone" "exit $rc after $ms ms, stdout '$(show "$(cat "$L/dead-entrypoint.out")")', stderr '$(show "$(cat "$L/dead-entrypoint.err")")'"
  fi
}

# deadenter: enter on a pod whose run was killed (SIGKILL; its domain still there). The pod whose run has exited is
# bootenter's, once released.
scenario_deadenter() {
  local type=$1 c="$1 deadenter (run killed)" pid
  section "$c"
  start_ready deadenter "$type" --net=none "$BUSY" --name=main --exec=/bin/sh -- -c "$WAIT_SH" || return
  pid=${RUNPID[$U]}
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  if domain_exists "rkt-$U"; then ok "$c: the domain outlives its SIGKILLed run"; else fail "$c: precondition" "the domain went with the run"; fi
  dead_enter "$c"
  check_collected "$c" gc
}

# start_failure_checks CHECK WORD [ready]: pod U's run has ended: 254, one line of the stage1's that contains WORD
# (with --debug: the one `stage1-xen run:` line), no stack trace, no domain once it returned; rkt status: never
# started, or with ready (the pod had got ready before it died) started with its pid and no app-* line
start_failure_checks() {
  local c=$1 word=$2 lines
  expect_eq "$c: rkt run exits 254" 254 "$RC"
  if [ "$RKT_DEBUG" = 1 ]; then
    lines=$(grep '^stage1-xen run: ' "$L/run.err")
  else
    lines=$(grep -v '^[[:space:]]*$' "$L/run.err")
  fi
  note "$c: $(show "$lines")"
  if [ "$(grep -c . <<<"$lines")" = 1 ] && [[ $lines == "stage1-xen run: "*"$word"* ]] &&
    ! grep -qE 'Exception|^[[:space:]]+at ' "$L/run.err"; then
    ok "$c: one line on stderr naming the cause ('$word')"
  else
    fail "$c: one line naming the cause ('$word')" "$(show "$(grep -v DEBUG "$L/run.err" | tail -n 5)")"
  fi
  if domain_exists "rkt-$U"; then fail "$c: no domain when rkt run returns" "xl still lists rkt-$U"; else ok "$c: no domain when rkt run returns"; fi
  # pid is written only once the apps run: a pod that died while it started never started for rkt
  lines=$(rkt_status "$U")
  if [ "${3:-}" = ready ]; then
    if [[ $lines =~ ^state=exited\ created\ started\ networks=[^\ ]*\ pid=${RUNPID[$U]}\ exited=true$ ]]; then
      ok "$c: rkt status: exited, started (it was ready), no app-* line"
    else
      fail "$c: rkt status: exited, started, no app-* line" "'$(show "$lines")'"
    fi
  elif [[ $lines =~ ^state=exited\ created\ networks=[^\ ]*\ exited=true$ ]]; then
    ok "$c: rkt status: exited, never started (no started=, pid= or app-* line)"
  else
    fail "$c: rkt status: exited, never started" "'$(show "$lines")'"
  fi
}

# killed: `xl destroy` of the pod's domain at each step of its start: as soon as it exists (xl create still runs),
# once xen/ctl.sock exists (with --net=default: its lease and rules are given back), once the guest said hello
# (seen in run's --debug output). The first step races xl create spawning the domain's QEMU, and the outcome depends
# on where xl is: --killed-created-runs N runs that step N times.
scenario_killed() {
  local type=$1 step c net what t i=0 steps=()
  while [ "$i" -lt "$KILLED_CREATED_RUNS" ]; do steps+=(created); i=$((i + 1)); done
  i=0
  for step in "${steps[@]}" ctl-sock hello; do
    i=$((i + 1))
    c="$type killed ($step)"
    section "$c"
    local RKT_DEBUG=0 log=killed-$step
    net=--net=none
    case $step in
      created) what="the domain exists" RKT_DEBUG=1 log=killed-created$([ "$i" = 1 ] || echo "-$i") ;;
      ctl-sock) what="xen/ctl.sock exists" net=--net=default ;;
      hello) what="the guest said hello" RKT_DEBUG=1 ;;
    esac
    if ! start_pod "$log" "$type" "$net" "$BUSY" --name=main --exec=/bin/sh -- -c "$WAIT_SH"; then
      fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
      continue
    fi
    if ! case $step in
      created) until_step 300 domain_exists "rkt-$U" ;;
      ctl-sock) until_step 300 ctl_sock_exists ;;
      hello) until_step 300 said_hello ;;
    esac; then
      fail "$c: $what" "rkt run ended (or 300 s passed) first: $(last_error)"
      collect >/dev/null
      continue
    fi
    # at once (the window from the guest's hello to readiness was 4 s); what the step looked like is noted after
    t=$(now_ns)
    local at xc state lease=""
    at=$(ms_between "${T0[$U]}" "$t")
    xc=$(xl_create_state)
    state=$(boot_state)
    [ "$step" != ctl-sock ] || lease=$(leases)
    xl destroy "rkt-$U" >"$L/destroy.log" 2>&1 || note "$c: xl destroy: $(show "$(cat "$L/destroy.log")")"
    note "$c: $what $at ms after rkt run; then xl create $xc and the pod was $state"
    if [ "$step" = ctl-sock ]; then
      if [ -n "$lease" ]; then ok "$c: the pod held a lease of the default network as it started"; else fail "$c: a lease as it starts" "none in $LEASES"; fi
    fi
    # bounded by the xl timeout of host.conf (120 s) plus the inquest's few seconds
    if ! wait_end 200; then
      fail "$c: rkt run ends after xl destroy" "still running 200 s later; xl create $(xl_create_state): $(show "$(pgrep -af xl | head -n 3)")"
      collect >/dev/null
      continue
    fi
    note "$c: rkt run ended $(ms_between "$t" "$(now_ns)") ms after xl destroy"
    # the apps may have started while xl destroy ran (under load the guest's hello and its readiness were far apart
    # from what the step saw): then the pod started for rkt, and its line must say so
    if [ "$state" != ready ] && [ "$(boot_state)" = ready ]; then
      state=ready
      note "$c: the pod got ready as xl destroy ran"
      if grep -q '^stage1-xen run: .*while its apps ran' "$L/run.err"; then ok "$c: its line says the apps ran"; else fail "$c: its line says the apps ran" "$(show "$(grep '^stage1-xen run: ' "$L/run.err")")"; fi
    fi
    start_failure_checks "$c" destroyed "$([ "$state" != ready ] || echo ready)"
    no_orphan_qemu "$c: no QEMU outlives the domain once rkt run returned"
    check_collected "$c" gc
    if [ "$step" = ctl-sock ]; then
      if [ -z "$(leases)" ]; then ok "$c: no lease is left"; else fail "$c: no lease is left" "$(show "$(leases)")"; fi
      expect_eq "$c: no iptables rule naming s1x is left" 0 "$(s1x_rules)"
    fi
  done
}

# crash: a guest kernel that panics early (its initrd, from host.conf, is 4 MiB of random bytes): one line naming the
# crash and the panic, nothing left
scenario_crash() {
  local type=$1 c="$1 crash" hc=$CONF/stage1-xen/host.conf
  section "$c"
  head -c 4194304 /dev/urandom >"$WORK/crash-initrd"
  cp "$hc" "$WORK/host.conf.saved"
  echo "initrd = $WORK/crash-initrd" >>"$hc"
  if ! start_pod crash "$type" --net=none "$BUSY" --name=main --exec=/bin/sh -- -c "$WAIT_SH"; then
    cp "$WORK/host.conf.saved" "$hc"
    fail "$c: rkt run" "ended with $RC before it saved the pod's uuid: $(last_error)"
    return
  fi
  wait_end 300
  cp "$WORK/host.conf.saved" "$hc"
  if [ "$RC" = 124 ]; then
    fail "$c: rkt run ends" "still running 300 s later"
  else
    start_failure_checks "$c" crashed
    expect_in "$c: the line quotes the guest kernel's panic" "$L/run.err" "Kernel panic"
  fi
  check_collected "$c" gc
}

# ---------------------------------------------------------------------------------------------------------------

# sandbox: a mutable pod (docs/MUTABLE.md) through the calls a Kubernetes node makes with rktlet (rkt 1.30.0 with
# RKT_EXPERIMENT_APP=true): `rkt app sandbox` boots a VM without apps that stays up, with the shares of added apps and of
# their volumes read-only in dom0; two apps are added (an image in the store, by hash: rkt 1.30.0 panics on a file
# path) and started, one with a host volume (--mnt-volume); one exits 7 by itself, the other is stopped (143); it is
# started again; the exited one is removed, then the running one (rkt stops it first); a third is added, started and
# entered; `rkt stop` ends the pod (0) and `rkt gc` leaves nothing. Each step is checked in rkt app list/status, in the
# VM (rkt enter, the app's writes through its volume) and in dom0 (mounts, status files). Bad input: a second start of a
# running app (the stage1's one line, 254), an unknown app, an app name added twice (rkt's refusals, 254). Measured:
# app add + app start to the app's first write seen in dom0, and the idle sandbox's memory (bench lines).
scenario_sandbox() {
  local type=$1 c="$1 sandbox" out rc p id t0 t1 t2 opts vol n s
  section "$c"
  if ! start_sandbox sandbox "$type" --net=none; then
    fail "$c: rkt app sandbox" "ended with $RC before it saved the pod's uuid: $(last_error)"
    unset RKT_EXPERIMENT_APP
    return
  fi
  if ! await_ready "$c"; then
    unset RKT_EXPERIMENT_APP
    return
  fi
  ok "$c: rkt app sandbox is ready ($(secs "$READY_MS") s)"
  p=$(pod_dir)
  if grep -q 'tag=stage2,' "$p/xen/domain.cfg" && grep -q 'tag=stage2vol,.*security_model=mapped-file' "$p/xen/domain.cfg"; then ok "$c: the domain has the shares of added apps and of their volumes (mapped-file)"; else fail "$c: the shares of added apps" "$(show "$(grep p9 "$p/xen/domain.cfg")")"; fi
  for s in stage2 stage2vol; do
    opts=$(findmnt -n -o OPTIONS "$p/xen/volumes/$s" 2>&1)
    if [[ ,$opts, == *,ro,* && $opts == *nosuid* && $opts == *nodev* ]]; then ok "$c: the share $s is read-only, nosuid, nodev in dom0"; else fail "$c: the share $s in dom0" "$(show "$opts")"; fi
  done
  sleep 5
  if alive "${RUNPID[$U]}" && domain_exists "rkt-$U"; then ok "$c: the empty pod stays up"; else fail "$c: the empty pod stays up" "run or domain gone: $(last_error)"; fi
  n=$(xl list "rkt-$U" 2>/dev/null | awk 'NR == 2 { print $3 }')
  bench "$type sandbox idle domain memory: ${n:-?} MiB"

  id=$(rk fetch "$BUSY" 2>"$L/fetch.err" | tail -n 1)
  vol=$WORK/sandbox-$type-vol
  rm -rf "$vol" && mkdir -p "$vol" && echo "from dom0" >"$vol/in.txt"
  # add + start two apps
  out=$(rk app add "$U" "$id" --name=exiter --exec=/bin/sh -- -c 'echo exiter: up; exit 7' 2>&1)
  rc=$?
  expect_eq "$c: rkt app add exiter ($id)" 0 "$rc"
  [ "$rc" = 0 ] || note "rkt app add: $(show "$out")"
  t0=$(now_ns)
  out=$(rk app add "$U" "$id" --name=server --mnt-volume="name=data,kind=host,source=$vol,target=/data" --exec=/bin/sh -- -c \
    'cat /data/in.txt >/data/seen.txt; echo server: up; while :; do sleep 1; done' 2>&1)
  rc=$?
  expect_eq "$c: rkt app add server with a host volume" 0 "$rc"
  [ "$rc" = 0 ] || note "rkt app add: $(show "$out")"
  opts=$(findmnt -n -o OPTIONS "$p/xen/volumes/stage2/server" 2>&1)
  if [[ $opts == *nosuid* && $opts == *nodev* && -x $p/xen/volumes/stage2/server/bin/busybox ]]; then ok "$c: the app's root is bound below the share, nosuid, nodev"; else fail "$c: the app's root below the share" "$(show "$opts")"; fi
  opts=$(findmnt -n -o OPTIONS "$p/xen/volumes/stage2vol/server/vol0" 2>&1)
  if [[ $opts == *nosuid* && $opts == *nodev* && -e $p/xen/volumes/stage2vol/server/vol0/in.txt ]]; then ok "$c: the app's volume is bound in its slot, nosuid, nodev"; else fail "$c: the app's volume in its slot" "$(show "$opts")"; fi
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out == *exiter*created* && $out == *server*created* ]]; then ok "$c: rkt app list: exiter and server created"; else fail "$c: rkt app list after add" "$(show "$out")"; fi
  t1=$(now_ns)
  out=$(rk app start "$U" --app=server 2>&1)
  rc=$?
  expect_eq "$c: rkt app start server" 0 "$rc"
  [ "$rc" = 0 ] || note "rkt app start: $(show "$out")"
  for _ in $(seq 1 240); do [ -s "$vol/seen.txt" ] && break; sleep 0.25; done
  if [ "$(cat "$vol/seen.txt" 2>&1)" = "from dom0" ]; then
    ok "$c: the app read its volume and wrote back through it to dom0"
    t2=$(now_ns)
    bench "$type sandbox app add + start to the app's first write in dom0 (ms): $(ms_between "$t0" "$t2") (rkt app start -> first write $(ms_between "$t1" "$t2"))"
  else
    fail "$c: the app's volume, both ways" "$(show "$(cat "$vol/seen.txt" 2>&1)")"
  fi
  out=$(rk app start "$U" --app=exiter 2>&1)
  rc=$?
  expect_eq "$c: rkt app start exiter" 0 "$rc"
  for _ in $(seq 1 120); do [ -e "$p/stage1/rootfs/rkt/status/exiter" ] && break; sleep 0.5; done
  expect_eq "$c: exiter ended by itself with 7 (rkt/status/exiter)" 7 "$(cat "$p/stage1/rootfs/rkt/status/exiter" 2>&1)"
  out=$(rk app status "$U" --app=exiter 2>&1)
  if [[ $out == *state=exited* && $out == *exit_code=7* ]]; then ok "$c: rkt app status exiter: exited, exit_code=7"; else fail "$c: rkt app status exiter" "$(show "$out")"; fi
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out == *exiter*exited* && $out == *server*running* ]]; then ok "$c: rkt app list: exiter exited, server running"; else fail "$c: rkt app list after start" "$(show "$out")"; fi
  # in the VM: enter the running added app
  out=$(rk enter --app=server "$U" /bin/cat /data/in.txt </dev/null 2>&1)
  rc=$?
  expect_eq "$c: rkt enter --app=server sees its volume" "0 from dom0" "$rc $out"
  out=$(rk enter --app=server "$U" /bin/sh -c 'free -k | awk "/Mem:/ { print \$3 }"' </dev/null 2>&1)
  [ -z "$out" ] || bench "$type sandbox guest memory in use with one idle app: $out KiB"
  # bad input: rkt's exit code and one line
  # rkt prints its own line (the entrypoint's output only with --debug, as "stage0: ...")
  out=$(rk app start "$U" --app=server 2>&1)
  rc=$?
  if [ "$rc" = 254 ] && [ "$out" = "start: error starting app: exit status 254" ]; then ok "$c: a second start of a running app: 254, rkt's one line"; else fail "$c: a second start of a running app" "exit $rc: $(show "$out")"; fi
  rk --debug app start "$U" --app=server >"$L/start-debug.out" 2>&1
  # rkt prints the entrypoint's output after "stage0: ", its --debug lines first
  out=$(grep -c '^stage1-xen app start: app "server" is running already' "$L/start-debug.out")
  expect_eq "$c: with --debug, the stage1's one line says why" 1 "$out"
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out == *server*running* ]]; then ok "$c: rkt app list: server still running after the refused starts"; else fail "$c: rkt app list after a refused start" "$(show "$out")"; fi
  out=$(rk app start "$U" --app=nosuch 2>&1)
  rc=$?
  expect_eq "$c: rkt app start of an unknown app exits 254" 254 "$rc"
  out=$(rk app add "$U" "$id" --name=server 2>&1)
  rc=$?
  expect_eq "$c: rkt app add of a name already in the pod exits 254" 254 "$rc"
  # one is stopped, then started again
  out=$(rk app stop "$U" --app=server 2>&1)
  rc=$?
  expect_eq "$c: rkt app stop server" 0 "$rc"
  expect_eq "$c: the stopped app's status is 143 (SIGTERM)" 143 "$(cat "$p/stage1/rootfs/rkt/status/server" 2>&1)"
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out == *server*exited* ]]; then ok "$c: rkt app list: server exited"; else fail "$c: rkt app list after stop" "$(show "$out")"; fi
  rm -f "$vol/seen.txt"
  out=$(rk app start "$U" --app=server 2>&1)
  rc=$?
  expect_eq "$c: rkt app start server again" 0 "$rc"
  for _ in $(seq 1 240); do [ -s "$vol/seen.txt" ] && break; sleep 0.25; done
  out=$(rk app list "$U" --no-legend 2>&1)
  if [ -s "$vol/seen.txt" ] && [[ $out == *server*running* ]]; then ok "$c: server runs again"; else fail "$c: server started again" "$(show "$out")"; fi
  # rm: the exited app, then the running one (rkt stops it first)
  out=$(rk app rm "$U" --app=exiter 2>&1)
  rc=$?
  expect_eq "$c: rkt app rm exiter" 0 "$rc"
  if [ "$(mounts_under "$p/xen/volumes/stage2/exiter")" = 0 ] && [ ! -e "$p/xen/volumes/added/exiter" ]; then ok "$c: rkt app rm releases the app's root"; else fail "$c: rkt app rm exiter releases its root" "$(mounts_under "$p/xen/volumes/stage2/exiter") mount(s) left"; fi
  out=$(rk app rm "$U" --app=server 2>&1)
  rc=$?
  expect_eq "$c: rkt app rm of the running server (stopped first)" 0 "$rc"
  [ "$rc" = 0 ] || note "rkt app rm: $(show "$out")"
  if [ "$(mounts_under "$p/xen/volumes/stage2/server")" = 0 ] && [ "$(mounts_under "$p/xen/volumes/stage2vol/server")" = 0 ] && [ ! -e "$p/xen/volumes/addedvol/server" ] && [ "$(cat "$vol/in.txt")" = "from dom0" ]; then ok "$c: rkt app rm releases the app's root and volume, the host directory untouched"; else fail "$c: rkt app rm server" "$(mounts_under "$p/xen/volumes/stage2vol/server") volume mount(s) left"; fi
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out != *exiter* && $out != *server* ]]; then ok "$c: rkt app list: both removed"; else fail "$c: rkt app list after rm" "$(show "$out")"; fi
  # a third, entered
  out=$(rk app add "$U" "$id" --name=third --exec=/bin/sh -- -c 'echo third: up; while :; do sleep 1; done' 2>&1)
  rc=$?
  expect_eq "$c: rkt app add third" 0 "$rc"
  out=$(rk app start "$U" --app=third 2>&1)
  rc=$?
  expect_eq "$c: rkt app start third" 0 "$rc"
  out=$(rk enter --app=third "$U" /bin/echo entered third </dev/null 2>&1)
  rc=$?
  expect_eq "$c: rkt enter --app=third" "0 entered third" "$rc $out"
  out=$(rk app list "$U" --no-legend 2>&1)
  if [[ $out == *third*running* ]]; then ok "$c: rkt app list: third running"; else fail "$c: rkt app list with third" "$(show "$out")"; fi
  if alive "${RUNPID[$U]}" && domain_exists "rkt-$U"; then ok "$c: the pod stayed up through every app's end"; else fail "$c: the pod stays up" "run or domain gone: $(last_error)"; fi

  out=$(rk stop "$U" 2>"$L/stop.err")
  rc=$?
  expect_eq "$c: rkt stop" "0 \"$U\"" "$rc $out"
  if wait_end 120; then expect_eq "$c: rkt app sandbox exits 0" 0 "$RC"; else fail "$c: the sandbox ends after rkt stop" "still running"; fi
  unset RKT_EXPERIMENT_APP
  check_collected "$c" gc
  rm -rf "$vol"
}

# sandboxkill: a sandbox whose run (the supervisor) is killed with SIGKILL while an added app with a host volume runs:
# the VM and the mounts outlive it, and `rkt gc` destroys the domain and unmounts the app's root and volume, leaving
# no domain, no mount and no pod directory; the host directory is untouched
scenario_sandboxkill() {
  local type=$1 c="$1 sandboxkill" out rc p id t0 vol
  section "$c"
  if ! start_sandbox sandboxkill "$type" --net=none; then
    fail "$c: rkt app sandbox" "ended with $RC before it saved the pod's uuid: $(last_error)"
    unset RKT_EXPERIMENT_APP
    return
  fi
  if ! await_ready "$c"; then
    unset RKT_EXPERIMENT_APP
    return
  fi
  p=$(pod_dir)
  id=$(rk fetch "$BUSY" 2>"$L/fetch.err" | tail -n 1)
  vol=$WORK/sandboxkill-$type-vol
  rm -rf "$vol" && mkdir -p "$vol" && echo "from dom0" >"$vol/in.txt"
  rk app add "$U" "$id" --name=server --mnt-volume="name=data,kind=host,source=$vol,target=/data" --exec=/bin/sh -- -c \
    'echo up >/data/up; while :; do sleep 1; done' >"$L/add.out" 2>&1 && rk app start "$U" --app=server >>"$L/add.out" 2>&1
  rc=$?
  expect_eq "$c: rkt app add and start of an app with a volume" 0 "$rc"
  for _ in $(seq 1 240); do [ -s "$vol/up" ] && break; sleep 0.25; done
  if [ -s "$vol/up" ]; then ok "$c: the added app runs"; else fail "$c: the added app runs" "$(show "$(cat "$L/add.out")")"; fi
  kill -9 "${RUNPID[$U]}"
  wait "${RUNPID[$U]}" 2>/dev/null
  if domain_exists "rkt-$U" && [ "$(mounts_under "$p/xen/volumes/stage2vol/server")" != 0 ]; then ok "$c: after SIGKILL of the run the VM and the app's mounts are still there (only gc can end them)"; else fail "$c: what SIGKILL leaves for gc" "domain or mounts already gone"; fi
  unset RKT_EXPERIMENT_APP
  check_collected "$c" gc
  if [ "$(cat "$vol/in.txt" 2>&1)" = "from dom0" ]; then ok "$c: the host directory is untouched"; else fail "$c: the host directory" "$(ls -la "$vol" 2>&1)"; fi
  rm -rf "$vol"
}

main() {
  suite_setup all
  find_device_model
  prepare_images
  rm -rf "$WORK/bare"
  local type types s n
  read -r -a types <<<"$TYPES"
  n=$((${#types[@]} - 1))
  for type in "${types[@]}"; do
    if want apps || want enter; then
      run_scenario apps "$type" scenario_apps "$type" "$(want apps && echo 1 || echo 0)" "$(want enter && echo 1 || echo 0)"
    fi
    # bootenter on the first type (every type with --full): what it checks is enter's wait, not the guest type
    if want bootenter && { [ "$FULL" = 1 ] || [ "$type" = "${types[0]}" ]; }; then
      run_scenario bootenter "$type" scenario_bootenter "$type"
    fi
    want bench && scenario_bench "$type"
  done
  # stop, force and gc: on every type with --full, otherwise each on the next type in turn, from the last (the
  # type the stage1 picks by itself: PVH where the host can, PV otherwise)
  for s in stop force gc; do
    want "$s" || continue
    if [ "$FULL" = 1 ]; then
      for type in "${types[@]}"; do run_scenario "$s" "$type" "scenario_$s" "$type"; done
    else
      type=${types[$((n % ${#types[@]}))]}
      run_scenario "$s" "$type" "scenario_$s" "$type"
      n=$((n + 1))
    fi
  done
  # three pods of the type the stage1 picks by itself (the last one); under software emulation the first one: three
  # PVH guests booting at once there triple-fault so often that the checks, which are about concurrency and not the
  # guest type, would rarely run (one CI boot: both attempts lost a PVH pod), while PVH keeps its own scenarios above
  type=${types[$((${#types[@]} - 1))]}
  [ "$EMULATED" != 1 ] || type=${types[0]}
  want concurrent && run_scenario concurrent "$type" scenario_concurrent "$type"
  want nobackend && scenario_nobackend "${types[0]}"
  want refused && scenario_refused "${types[0]}"
  # a pod's life from outside, on the first type: enter on a dead pod, a domain destroyed at each step of the start, a
  # guest that crashes early (what they check is the supervisor's, not the guest type's)
  want deadenter && run_scenario deadenter "${types[0]}" scenario_deadenter "${types[0]}"
  want killed && run_scenario killed "${types[0]}" scenario_killed "${types[0]}"
  want crash && run_scenario crash "${types[0]}" scenario_crash "${types[0]}"
  # a hostile guest, on the first type: one that stops reading its channel, one whose root forges control frames
  want unread && run_scenario unread "${types[0]}" scenario_unread "${types[0]}"
  want logflood && run_scenario logflood "${types[0]}" scenario_logflood "${types[0]}"
  # a mutable pod (rkt app sandbox), on every type
  if want sandbox; then
    for type in "${types[@]}"; do run_scenario sandbox "$type" scenario_sandbox "$type"; done
  fi
  want sandboxkill && run_scenario sandboxkill "${types[0]}" scenario_sandboxkill "${types[0]}"
  summary
  [ "$FAILED" = 0 ]
}

main
