#!/usr/bin/env bash
# Benchmark: time from the run entrypoint's start to the moment it executes `xl create`, with a fake xl, for a
# built stage1 (the native executable or the JVM fallback). Prints the median and quartiles of N runs in ms.
#
#   run-to-create.sh STAGE1 [N]      STAGE1: an .aci or a directory with manifest and rootfs/ (e.g. build/rootfs/..)
#
# The fake xl answers `info` with a captured Xen 4.17 `xl info`, says no domain exists, and on `create` records the
# time and fails, so that run stops right there. The clock starts in the shell that execs the entrypoint, after the
# pod directory is laid out and locked exactly as rkt does it (tests/stage0/stage0), so it counts only stage1-xen.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STAGE1=$(realpath "${1:?usage: run-to-create.sh STAGE1 [N]}")
N=${2:-50}
W=$(mktemp -d "${TMPDIR:-/tmp}/run-to-create.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/bin" "$W/img/app/rootfs"
cp "$ROOT/src/test/resources/host/xl-info-4.17-hvm-real.txt" "$W/xl-info"
cat > "$W/bin/xl" <<XL
#!/bin/bash
case "\$1" in
  info) cat "$W/xl-info" ;;
  domid) echo "Can't get domid of domain name '\$2', maybe this domain does not exist." >&2; exit 1 ;;
  create) echo "\$EPOCHREALTIME" > "$W/t1"; echo "fake xl: benchmark stop" >&2; exit 1 ;;
  *) exit 1 ;;
esac
XL
chmod +x "$W/bin/xl"
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/app","labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}' \
  > "$W/img/app/manifest"
cp "$ROOT/src/test/resources/rkt-1.30.0/pod-manifests/one-app.json" "$W/pod.json"
sed -i 's/"name":"hello"/"name":"app"/' "$W/pod.json"

times=()
for i in $(seq 1 "$N"); do
  uuid=$(cat /proc/sys/kernel/random/uuid)
  "$ROOT/tests/stage0/stage0" prepare --data-dir "$W/rkt" --uuid "$uuid" --stage1 "$STAGE1" \
    --pod-manifest "$W/pod.json" --app app="$W/img/app" > /dev/null
  pod=$W/rkt/pods/prepared/$uuid
  rm -f "$W/t1"
  # what stage0 does, minus its own bookkeeping: lock on fd 7, cwd = pod, exec the entrypoint
  (
    cd "$pod"
    exec 7<"$pod"
    flock -x 7
    export PATH="$W/bin:$PATH" RKT_LOCK_FD=7
    echo "$EPOCHREALTIME" > "$W/t0"
    exec stage1/rootfs/run --net=none --local-config="$W/etc" "$uuid"
  ) > /dev/null 2>&1 || true
  [ -f "$W/t1" ] || { echo "run never reached xl create (try: $pod)" >&2; exit 1; }
  times+=("$(awk -v a="$(cat "$W/t0")" -v b="$(cat "$W/t1")" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
  rm -rf "$pod"
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$N" '
  { v[NR] = $1 }
  END { printf "runs %d  median %.1f ms  p25 %.1f ms  p75 %.1f ms  min %.1f ms  max %.1f ms\n",
        n, v[int((n + 1) / 2)], v[int((n + 3) / 4)], v[int((3 * n + 1) / 4)], v[1], v[n] }'
