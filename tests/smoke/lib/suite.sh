# shellcheck shell=bash
# What the three smoke suites share (sourced first): their common options, the host checks, the work directory
# with rkt's data directory and the pods' host.conf, and the clean-up at the end. Each suite sets SUITE (its name)
# and WORK (its default work directory) before it sources this file.
#
# Common options:
#   --aci PATH     the stage1 image (default: out/stage1-xen.aci of this repository)
#   --rkt PATH     the rkt executable (default: $RKT, else rkt on PATH; without one the suite fails)
#   --types LIST   guest types to run, of pv and pvh (default: the suite's own)
#   --debug        rkt's --debug on every rkt call (more in each pod's run.err, slower pods)
#   --keep         keep the work directory (images, logs) at the end; pods are collected anyway
#   --work DIR     work directory on a local disk; its path must be short because the pods' UNIX sockets live
#                  below it
#   --logs DIR     where each pod's logs go (default WORK/logs)
#   --emulated     the Xen host runs under software emulation (QEMU TCG), where PVH guests sometimes die of a
#                  triple fault (see run_scenario)

set -uo pipefail
export LC_ALL=C

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB/../../.." && pwd)
MKROOTFS=$REPO/tests/images/make-rootfs.sh
# shellcheck source=report.sh
. "$LIB/report.sh"
# shellcheck source=images.sh
. "$LIB/images.sh"
# shellcheck source=rkt.sh
. "$LIB/rkt.sh"
# shellcheck source=pods.sh
. "$LIB/pods.sh"

ACI=$REPO/out/stage1-xen.aci
RKT_OPTION=""
TYPES=""
KEEP=0
EMULATED=0
LOGS=""
# Generous limits: under software emulation a pod with 9p shares takes tens of seconds to start.
READY_TIMEOUT=300
END_TIMEOUT=300
STOP_GRACE=3

# suite_option ARG...: takes one common option from the arguments; SHIFT is how many words it used (0: not one)
suite_option() {
  SHIFT=2
  case $1 in
    --aci) ACI=${2:-} ;;
    --rkt) RKT_OPTION=${2:-} ;;
    --types) TYPES=${2:-} ;;
    --work) WORK=${2:-} ;;
    --logs) LOGS=${2:-} ;;
    --keep) KEEP=1 SHIFT=1 ;;
    --debug) RKT_DEBUG=1 SHIFT=1 ;;
    --emulated) EMULATED=1 SHIFT=1 ;;
    *) SHIFT=0 ;;
  esac
  if [ $SHIFT = 2 ] && [ $# -lt 2 ]; then
    echo "$SUITE.sh: $1 needs a value" >&2
    exit 2
  fi
}

# suite_options ARG...: the command line: a suite's own options first (the function suite_own_option, when the
# suite defines one, sets SHIFT to how many words it took), then the common ones; -h or --help, or anything else,
# prints the suite's header comment
suite_options() {
  while [ $# -gt 0 ]; do
    SHIFT=0
    case $1 in -h|--help) suite_usage ;; esac
    ! declare -F suite_own_option >/dev/null || suite_own_option "$@"
    [ "$SHIFT" != 0 ] || suite_option "$@"
    [ "$SHIFT" != 0 ] || { echo "$SUITE.sh: unknown argument '$1'" >&2; suite_usage; }
    shift "$SHIFT"
  done
}

suite_usage() { # the suite's header comment, from its second line to the first line that is not a comment
  sed -n '2,/^[^#]/p' "$0" | sed -e '/^[^#]/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# suite_setup DEFAULT_TYPES: the host checks (root, xl, the guest types, the stage1 image, busybox, rkt), then
# the work directory: DATA (rkt's --dir, emptied), CONF (rkt's --local-config, with stage1-xen/host.conf), LOGS,
# IMAGES. DEFAULT_TYPES is "all" (every type the host runs) or a list. Sets HOST_CPUS, FREE_MEM, XEN_VERSION.
suite_setup() {
  section "host"
  [ "$(id -u)" = 0 ] || fatal "host: running as root" "the suite drives xl, rkt and bind mounts: run it as root"
  command -v xl >/dev/null 2>&1 || fatal "host: xl" "'xl' not found: run the suite in a Xen dom0 with the Xen tools (Debian: xen-utils-4.17)"
  mkdir -p "$WORK" || fatal "host: work directory" "cannot create $WORK"
  WORK=$(cd "$WORK" && pwd)
  xl info >"$WORK/xl-info.txt" 2>&1 || fatal "host: xl info" "$(tail -n 1 "$WORK/xl-info.txt") (is this a Xen dom0 with xenstored running?)"
  local caps can="" t
  XEN_VERSION=$(sed -n 's/^xen_version[[:space:]]*:[[:space:]]*//p' "$WORK/xl-info.txt")
  caps=$(sed -n 's/^virt_caps[[:space:]]*:[[:space:]]*//p' "$WORK/xl-info.txt")
  FREE_MEM=$(sed -n 's/^free_memory[[:space:]]*:[[:space:]]*//p' "$WORK/xl-info.txt")
  HOST_CPUS=$(sed -n 's/^nr_cpus[[:space:]]*:[[:space:]]*//p' "$WORK/xl-info.txt")
  HOST_CPUS=${HOST_CPUS:-1}
  # the same reading of virt_caps as the stage1's own (docs/XEN.md): no capabilities listed means PV only
  case " $caps " in *" pv "*) can="pv" ;; *) [ -n "$caps" ] || can="pv" ;; esac
  case " $caps " in *" hvm "*) can="$can pvh" ;; esac
  can=${can# }
  [ -n "$TYPES" ] || TYPES=$1
  [ "$TYPES" != all ] || TYPES=$can
  for t in $TYPES; do
    case $t in pv|pvh) ;; *) fatal "host: guest types" "--types: '$t' is neither pv nor pvh" ;; esac
    case " $can " in *" $t "*) ;; *) fatal "host: guest types" "--types asks for $t, but this host runs only: ${can:-none} (virt_caps: $caps)" ;; esac
  done
  [ -n "$TYPES" ] || fatal "host: guest types" "this host can run neither PV nor PVH guests (virt_caps: $caps)"
  if [ -z "$FREE_MEM" ] || [ "$FREE_MEM" -lt 512 ]; then
    fatal "host: free memory" "xl info free_memory is '${FREE_MEM:-?}' MiB; the suite needs at least 512 MiB for its pods"
  fi
  ok "host: Xen $XEN_VERSION, virt_caps: $caps, $FREE_MEM MiB free, $HOST_CPUS CPUs; guest types tested: $TYPES"
  grep -qs control_d /proc/xen/capabilities || note "no control_d in /proc/xen/capabilities: not obviously a dom0"

  [ -f "$ACI" ] || fatal "host: stage1 image" "$ACI does not exist (build it with ./build.sh, or pass --aci)"
  ACI=$(cd "$(dirname "$ACI")" && pwd)/$(basename "$ACI")
  local listing f
  listing=$(tar -tzf "$ACI" 2>/dev/null) || fatal "host: stage1 image" "$ACI is not a gzip'd tar"
  for f in manifest rootfs/run rootfs/enter rootfs/stop rootfs/gc rootfs/stage1-xen/guest/kernel rootfs/stage1-xen/guest/initrd; do
    grep -qx "$f" <<<"$listing" || fatal "host: stage1 image" "$ACI has no $f"
  done
  # the manifest comes first in the image: its name and version label are what rkt's store lists it under
  STAGE1_NAME=$(tar -xzOf "$ACI" --occurrence=1 manifest 2>/dev/null | tr -d ' \n\t' | sed -n \
    's/.*"name":"\(coreos.com\/rkt\/stage1-xen\)".*{"name":"version","value":"\([^"]*\)"}.*/\1:\2/p')
  [ -n "$STAGE1_NAME" ] || fatal "host: stage1 image" "$ACI's manifest has no name coreos.com/rkt/stage1-xen with a version label"
  ok "host: stage1 image $ACI ($STAGE1_NAME) has the entrypoints, kernel and initrd"

  BUSYBOX=${BUSYBOX:-/bin/busybox}
  [ -x "$BUSYBOX" ] || fatal "host: busybox" "no static busybox at $BUSYBOX for the app images (Debian: busybox-static, or set BUSYBOX)"

  DATA=$WORK/rkt
  CONF=$WORK/conf
  IMAGES=$WORK/img
  find_rkt "$RKT_OPTION"
  trap suite_cleanup EXIT
  trap 'echo "# interrupted" >&2; exit 130' INT TERM
  clear_data
  [ -n "$LOGS" ] || LOGS=$WORK/logs
  rm -rf "$CONF" "$IMAGES"
  mkdir -p "$LOGS" "$CONF/stage1-xen" "$IMAGES"
  LOGS=$(cd "$LOGS" && pwd)
  cat >"$CONF/stage1-xen/host.conf" <<EOF
# the smoke suites' host settings: software-emulated hosts are slow; short grace so that stops are quick
readiness-timeout-seconds = $READY_TIMEOUT
xl-timeout-seconds = 120
stop-grace-seconds = $STOP_GRACE
EOF
}

suite_cleanup() {
  cleanup_pods
  if [ "$KEEP" = 1 ]; then
    echo "# work directory kept: $WORK" >&2
  elif [ "$(mounts_under "$WORK")" = 0 ]; then
    rm -rf "$DATA" "$IMAGES"
  else
    echo "# $WORK still has mounts below it; not deleted" >&2
  fi
}

# want_type TYPE: TYPE is one of the guest types this run tests
want_type() { case " $TYPES " in *" $1 "*) return 0 ;; esac; return 1; }
