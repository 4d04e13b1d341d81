#!/usr/bin/env bash
# Runs the Xen smoke suites where there is a Xen host: directly when this machine is a Xen dom0, otherwise in the
# dom0 of a Xen host that `xen-host` boots inside QEMU, with the image, rkt and tests/ shared in.
#
#   run-on-xen-host.sh [--aci PATH] [--results DIR] [--suites "smoke volumes network security"] [-- SMOKE-ARGS...]
#
#   --aci PATH     the stage1 image (default: out/stage1-xen.aci of this repository). Given more than once, the suites
#                  run once per image, in the order given, in the same boot of the Xen host (to compare two builds
#                  under the same load, e.g. GUEST_KERNEL=debian against the default): each image's benchmark lines
#                  follow a `=== image N: NAME` line, and its logs go to logs/N/
#   --suites LIST  which suites run, in this order (default: all four): smoke.sh (apps, enter, stop, gc, bench),
#                  volumes.sh, network.sh, security.sh; one boot of the Xen host runs them all
#   --volume-types LIST  guest types of volumes.sh (default: its own, every type the host runs)
#   --network-args ARGS  network.sh's own options, split on spaces (e.g. "--only bridge")
#   --results DIR  where the pods' logs (logs/) and the benchmark lines (bench.txt) go (default: a new folder
#                  under /tmp, removed after a successful run unless this option is given)
#   SMOKE-ARGS     passed to smoke.sh (e.g. --only stop --types pv); --rkt, --debug and --keep to every suite
#                  (all-suites.sh)
#
# Environment:
#   RKT               the rkt 1.30.0 executable the suites drive the pods with (default: rkt on PATH). In a booted
#                     Xen host it is copied into the share and installed in dom0 when dom0 has no rkt of its own
#   XEN_HOST          the xen-host tool (its executable or its folder) to boot a Xen host when this machine is
#                     not a dom0; without it, `xen-host` on PATH
#   VOLUME_TYPES, NETWORK_TYPES, SECURITY_TYPES  guest types of volumes.sh, network.sh and security.sh
#                     (all-suites.sh)
#   NETWORK_ARGS      network.sh's own options (as --network-args)
#   SMOKE_TIMEOUT     seconds for the whole boot + suite + power-off under xen-host (default 2400)
#
# Exit status: 0 when every check of every suite passed, 1 when one failed; 125 when no Xen host could be had.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ACIS=()
RESULTS=""
SUITES="smoke volumes network security"
VOLUME_TYPES=""
NETWORK_TYPES=${NETWORK_TYPES:-}
SECURITY_TYPES=${SECURITY_TYPES:-}
NETWORK_ARGS=${NETWORK_ARGS:-}
while [ $# -gt 0 ]; do
  case $1 in
    --aci) ACIS+=("$2"); shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    --suites) SUITES=$2; shift 2 ;;
    --volume-types) VOLUME_TYPES=$2; shift 2 ;;
    --network-args) NETWORK_ARGS=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run-on-xen-host.sh: unknown argument '$1' (smoke.sh's own arguments go after --)" >&2; exit 2 ;;
  esac
done
[ ${#ACIS[@]} -gt 0 ] || ACIS=("$REPO/out/stage1-xen.aci")
for i in "${!ACIS[@]}"; do
  a=${ACIS[$i]}
  [ -f "$a" ] || { echo "run-on-xen-host.sh: no stage1 image at $a (build it with ./build.sh, or pass --aci)" >&2; exit 2; }
  ACIS[$i]=$(cd "$(dirname "$a")" && pwd)/$(basename "$a")
done
ACI=${ACIS[0]}

if grep -qs control_d /proc/xen/capabilities && command -v xl >/dev/null 2>&1; then
  echo "run-on-xen-host.sh: this machine is a Xen dom0; running the suite here" >&2
  [ ${#ACIS[@]} = 1 ] || { echo "run-on-xen-host.sh: more than one --aci needs a booted Xen host (xen-host)" >&2; exit 2; }
  args=()
  if [ -n "$RESULTS" ]; then
    mkdir -p "$RESULTS"
    args+=(--logs "$RESULTS/logs" --bench "$RESULTS/bench.txt")
  fi
  export SUITES VOLUME_TYPES NETWORK_TYPES SECURITY_TYPES NETWORK_ARGS
  exec bash "$HERE/all-suites.sh" "$ACI" ${args[@]+"${args[@]}"} "$@"
fi

# dom0 of the Xen host xen-host boots has no rkt: the one given by RKT (or on PATH here) goes into the share
rkt=${RKT:-$(command -v rkt 2>/dev/null || true)}
if [ -z "$rkt" ] || [ ! -f "$rkt" ] || [ ! -x "$rkt" ]; then
  echo "run-on-xen-host.sh: no rkt to share into the Xen host's dom0 (${RKT:+RKT=$RKT is not an executable file; }set RKT" \
    "to the rkt 1.30.0 executable, or put rkt on PATH)" >&2
  exit 2
fi

XH=${XEN_HOST:-}
[ -z "$XH" ] || [ ! -d "$XH" ] || XH=$XH/xen-host
[ -n "$XH" ] || XH=$(command -v xen-host 2>/dev/null || true)
if [ -z "$XH" ] || [ ! -x "$XH" ]; then
  echo "run-on-xen-host.sh: this machine is not a Xen dom0 (no control_d in /proc/xen/capabilities, or no xl), and no" \
    "xen-host to boot one (${XEN_HOST:+XEN_HOST=$XEN_HOST is not executable; }set XEN_HOST to the xen-host tool, or run" \
    "tests/smoke/smoke.sh in a Xen dom0)" >&2
  exit 125
fi

# The share: the image, tests/ and the run script; dom0 sees it at /mnt/host and writes the results into it.
keep=1
if [ -z "$RESULTS" ]; then
  RESULTS=$(mktemp -d /tmp/s1x-smoke.XXXXXX)
  keep=0
fi
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
case $RESULTS in *,*) echo "run-on-xen-host.sh: --results must not contain a comma (QEMU's -virtfs): $RESULTS" >&2; exit 2 ;; esac
rm -rf "$RESULTS/logs" "$RESULTS/tests" "$RESULTS/bench.txt" "$RESULTS/rkt"
mkdir -p "$RESULTS/tests"
cp -a "$REPO/tests/images" "$REPO/tests/smoke" "$REPO/tests/xen" "$RESULTS/tests/"
# image N of several is stage1-xen-N.aci in the share and logs to logs/N; a single one keeps the plain names
share_name() { if [ ${#ACIS[@]} = 1 ]; then echo stage1-xen.aci; else echo "stage1-xen-$1.aci"; fi; }
share_logs() { if [ ${#ACIS[@]} = 1 ]; then echo /mnt/host/logs; else echo "/mnt/host/logs/$1"; fi; }
for i in "${!ACIS[@]}"; do cp "${ACIS[$i]}" "$RESULTS/$(share_name $((i + 1)))"; done
cp "$rkt" "$RESULTS/rkt"
# the host xen-host boots runs under software emulation (see smoke.sh --emulated)
smoke=(--bench /mnt/host/bench.txt --emulated)
# dom0 has no compiler: the bare `xl create` baseline's protocol client is built here
if command -v gcc >/dev/null 2>&1 && gcc -static -O2 -o "$RESULTS/ctl-client" "$REPO/tests/xen/ctl-client.c" 2>"$RESULTS/ctl-client.log"; then
  smoke+=(--ctl-client /mnt/host/ctl-client)
else
  echo "run-on-xen-host.sh: cannot build tests/xen/ctl-client.c statically (gcc, libc6-dev); the bench scenario skips its baseline" >&2
fi
quote() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
  echo '# written by run-on-xen-host.sh; runs in the Xen dom0, in /mnt/host'
  echo '# rkt from the share, installed the way a user installs it, unless dom0 has its own'
  echo 'command -v rkt >/dev/null 2>&1 || { install -m 0755 rkt /usr/local/bin/rkt && PATH=/usr/local/bin:$PATH; } || exit 1'
  echo 'echo "run-in-dom0.sh: $(command -v rkt): $(rkt version | head -n 1)"'
  env=$(printf 'SUITES=%s VOLUME_TYPES=%s NETWORK_TYPES=%s SECURITY_TYPES=%s NETWORK_ARGS=%s' \
    "$(quote "$SUITES")" "$(quote "$VOLUME_TYPES")" "$(quote "${NETWORK_TYPES:-}")" "$(quote "$SECURITY_TYPES")" "$(quote "$NETWORK_ARGS")")
  # one image after the other; the exit status is the last failing suite run's, 0 when all passed
  echo 'rc=0'
  for i in "${!ACIS[@]}"; do
    n=$((i + 1))
    [ ${#ACIS[@]} = 1 ] || printf 'echo %s >>bench.txt\n' "$(quote "=== image $n: $(basename "${ACIS[$i]}")")"
    printf '%s bash tests/smoke/all-suites.sh %s ' "$env" "$(share_name $n)"
    for a in --logs "$(share_logs $n)" "${smoke[@]}" "$@"; do quote "$a"; done
    echo '|| rc=$?'
  done
  echo 'exit $rc'
} >"$RESULTS/run-in-dom0.sh"

echo "run-on-xen-host.sh: booting a Xen host with $XH (share $RESULTS)" >&2
rc=0
"$XH" run --share "$RESULTS" --timeout "${SMOKE_TIMEOUT:-2400}" -- sh run-in-dom0.sh || rc=$?
if [ -s "$RESULTS/bench.txt" ]; then
  echo "--- benchmark lines ($RESULTS/bench.txt)"
  cat "$RESULTS/bench.txt"
fi
if [ "$rc" = 0 ] && [ "$keep" = 0 ]; then
  rm -rf "$RESULTS"
else
  echo "run-on-xen-host.sh: exit $rc; the pods' logs are in $RESULTS/logs" >&2
fi
exit "$rc"
