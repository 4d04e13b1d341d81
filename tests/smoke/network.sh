#!/usr/bin/env bash
# Smoke tests of pod networking on a real Xen host (run in dom0, as root): stage1-xen.aci through rkt's stage0
# emulator (tests/stage0/stage0), with the image's own host-local plugin, dom0's ip and iptables, and busybox apps.
# Prints one "ok - …" or "FAIL - …" line per check and "N passed, N failed" at the end; exits 1 on any failure.
#
#   tests/smoke/network.sh stage1-xen.aci
#
# Environment: SMOKE_GUEST_TYPE (pv, pvh or auto; default pv: PVH guests under TCG emulation sometimes die in
# early boot, which is not what this checks), BUSYBOX (a static busybox for the app images, default /bin/busybox),
# SMOKE_TIMEOUT (seconds to wait for a pod to become ready, default 300).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ACI=$(readlink -f "${1:?usage: network.sh stage1-xen.aci}")
STAGE0=$REPO/tests/stage0/stage0
W=${SMOKE_WORK:-/tmp/s1x-net-smoke}
D=$W/rkt
CFG=$W/etc-rkt
LEASES=/var/lib/cni/networks
TIMEOUT=${SMOKE_TIMEOUT:-300}
export STAGE1_XEN_GUEST_TYPE=${SMOKE_GUEST_TYPE:-pv}
BB=${BUSYBOX:-/bin/busybox}
IMAGE_ID=sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804
passed=0
failed=0

ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

rm -rf "$W"
mkdir -p "$W/img" "$CFG/net.d" "$CFG/stage1-xen"

# ---- images: busybox app roots, one with a web page and a declared port ----
image() { # image NAME PAGE
  local dir=$W/img/$1
  "$REPO/tests/images/make-rootfs.sh" "$dir/rootfs" --busybox "$BB" >/dev/null || exit 1
  mkdir -p "$dir/rootfs/srv/www"
  echo "$2" >"$dir/rootfs/srv/www/index.html"
  cat >"$dir/manifest" <<JSON
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/$1","labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "app":{"exec":["/bin/httpd","-f","-p","80","-h","/srv/www"],"user":"0","group":"0","ports":[{"name":"http","protocol":"tcp","port":80}]}}
JSON
}
image web hello-from-pod
image other hello-from-other

uuid() { cat /proc/sys/kernel/random/uuid; }
podfile() { # podfile NAME EXEC_JSON [PORTS_JSON]
  local app="{\"name\":\"$1\",\"image\":{\"name\":\"example.com/$1\",\"id\":\"$IMAGE_ID\"}"
  [ -n "$2" ] && app="$app,\"app\":{\"exec\":$2,\"user\":\"0\",\"group\":\"0\",\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80}]}"
  echo "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[$app}],\"volumes\":null,\"isolators\":null,\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/mutable\",\"value\":\"false\"}],\"ports\":${3:-[]}}"
}
prepare() { # prepare UUID APP EXEC_JSON [PORTS_JSON]
  podfile "$2" "$3" "${4:-}" >"$W/pod-$1.json"
  "$STAGE0" prepare --data-dir "$D" --uuid "$1" --stage1 "$ACI" --pod-manifest "$W/pod-$1.json" \
    --app "$2=$W/img/$2" >/dev/null
}
start() { # start UUID NET: runs the pod in the background, output in $W/run-UUID.log
  "$STAGE0" run --data-dir "$D" --uuid "$1" --net="$2" --local-config="$CFG" >"$W/run-$1.log" 2>&1 &
  echo $! >"$W/run-$1.pid"
}
ready() { # ready UUID: waits until the pod's apps run
  local n=0
  while [ ! -L "$D/pods/run/$1/stage1/rootfs/rkt/supervisor-status" ]; do
    n=$((n + 1))
    if [ $n -gt $((TIMEOUT * 2)) ] || ! kill -0 "$(cat "$W/run-$1.pid")" 2>/dev/null; then
      echo "# pod $1 never became ready:"; sed 's/^/#   /' "$W/run-$1.log"; return 1
    fi
    sleep 0.5
  done
}
ip_of() { sed -n 's/.*"ip":"\([0-9.]*\)".*/\1/p' "$D/pods/run/$1/net-info.json" 2>/dev/null; }
finish() { # finish UUID: stops the pod, waits for its run, collects it
  "$STAGE0" stop --data-dir "$D" --uuid "$1" >/dev/null 2>&1
  wait "$(cat "$W/run-$1.pid")" 2>/dev/null
  "$STAGE0" gc --data-dir "$D" --uuid "$1" >/dev/null 2>"$W/gc-$1.log"
}
leases() { find "$LEASES" -type f -name '[0-9]*.[0-9]*.[0-9]*.[0-9]*' 2>/dev/null | sort; }
rules() { iptables -w -t nat -S 2>/dev/null | grep -c 'S1X-'; }
# HTTP over nc: Debian's busybox-static wget segfaults (glibc's resolver in a static binary), nc does not
REQUEST='GET / HTTP/1.0\r\nHost: x\r\n\r\n'
body() { sed '1,/^\r*$/d'; } # the response without its headers
fetch() { printf "$REQUEST" | timeout 20 busybox nc -w 10 "$1" "$2" 2>/dev/null | body; } # fetch HOST PORT, from dom0
guest_fetch() { # guest_fetch UUID APP HOST PORT: the same from inside a pod, through enter
  "$STAGE0" enter --data-dir "$D" --uuid "$1" --app "$2" -- /bin/sh -c 'printf "$0" | nc -w 10 "$1" "$2"' \
    "$REQUEST" "$3" "$4" 2>&1 | body
}

# dom0 serves a page on its end of the default network, for the pods to fetch
mkdir -p "$W/dom0www"
echo hello-from-dom0 >"$W/dom0www/index.html"

# ---- two pods at once: different addresses; each reachable; each reaches dom0; forwarded port ----
A=$(uuid)
B=$(uuid)
prepare "$A" web "" '[{"name":"http","hostPort":8088}]'
prepare "$B" other ""
start "$A" default
start "$B" default
if ready "$A" && ready "$B"; then
  ipa=$(ip_of "$A")
  ipb=$(ip_of "$B")
  echo "# pod A: $ipa, pod B: $ipb"
  check "two pods started at once get different addresses ($ipa, $ipb)" \
    test -n "$ipa" -a -n "$ipb" -a "$ipa" != "$ipb"
  check "net-info.json is rkt's format" grep -q '^\[{"netName":"default","netConf":"xen/net/default.conf","pluginPath":".*","ifName":"eth0","ip":"'"$ipa"'","args":"","mask":"255.255.255.0"}\]$' "$D/pods/run/$A/net-info.json"
  check "dom0 reaches pod A's TCP port 80" test "$(fetch "$ipa" 80)" = hello-from-pod
  check "dom0 reaches pod B's TCP port 80" test "$(fetch "$ipb" 80)" = hello-from-other
  gw=172.16.28.1
  busybox httpd -p "$gw:8081" -h "$W/dom0www"
  out=$(guest_fetch "$B" other "$gw" 8081)
  check "pod B reaches dom0 ($gw:8081): '$out'" test "$out" = hello-from-dom0
  out=$("$STAGE0" enter --data-dir "$D" --uuid "$A" --app web -- /bin/ip -o -4 addr show 2>&1)
  check "pod A's eth0 has its address from the plan" grep -q "eth0 *inet $ipa/24" <<<"$out"
  out=$("$STAGE0" enter --data-dir "$D" --uuid "$A" --app web -- /bin/ip route 2>&1)
  check "pod A's default route goes through dom0" grep -q "default via $gw dev eth0" <<<"$out"
  check "forwarded host port 8088 reaches pod A's app (from dom0, 127.0.0.1)" \
    test "$(fetch 127.0.0.1 8088)" = hello-from-pod
  out=$(guest_fetch "$B" other "$gw" 8088)
  check "forwarded host port 8088 reaches pod A's app (from pod B, through dom0's address)" \
    test "$out" = hello-from-pod
  check "two leases are held while the pods run" test "$(leases | wc -l)" = 2
else
  fail "pods A and B did not start"
fi
finish "$A"
finish "$B"
check "gc returned both addresses" test -z "$(leases)"
check "gc left no iptables rule behind" test "$(rules)" = 0
check "no domain is left" test -z "$(xl list | grep rkt-)"

# ---- the address comes back: the next pod can have pod A's address ----
if [ -n "${ipa:-}" ]; then
  C=$(uuid)
  prepare "$C" web ""
  start "$C" "default:IP=$ipa"
  if ready "$C"; then
    check "a new pod gets the released address $ipa" test "$(ip_of "$C")" = "$ipa"
  else
    fail "a new pod gets the released address $ipa"
  fi
  finish "$C"
fi

# ---- a run killed with SIGKILL: gc releases its address and rules ----
K=$(uuid)
prepare "$K" web ""
start "$K" default
if ready "$K"; then
  kill -9 "$(cat "$D/pods/run/$K/pid")"
  wait "$(cat "$W/run-$K.pid")" 2>/dev/null
  check "after SIGKILL the lease and the rules are still there (only gc can release them)" \
    test -n "$(leases)" -a "$(rules)" != 0
  "$STAGE0" gc --data-dir "$D" --uuid "$K" >/dev/null 2>"$W/gc-$K.log"
  check "gc after SIGKILL returned the address" test -z "$(leases)"
  check "gc after SIGKILL left no rule" test "$(rules)" = 0
  check "gc after SIGKILL destroyed the domain" test -z "$(xl list | grep "rkt-$K")"
else
  fail "pod K did not start"
  finish "$K"
fi

# ---- --net=none: loopback only ----
N=$(uuid)
prepare "$N" web '["/bin/ip","-o","link"]'
"$STAGE0" run --data-dir "$D" --uuid "$N" --net=none --local-config="$CFG" >"$W/run-$N.log" 2>&1
links=$(grep -c '^[0-9]*: ' "$W/run-$N.log")
check "--net=none: the guest has only lo ($(sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' "$W/run-$N.log" | tr '\n' ' '))" \
  test "$links" = 1 -a "$(grep -c '^1: lo:' "$W/run-$N.log")" = 1
"$STAGE0" gc --data-dir "$D" --uuid "$N" >/dev/null 2>&1

# ---- an unsupported network type is refused with one line, before anything happens ----
cat >"$CFG/net.d/10-lan.conf" <<'JSON'
{"name": "lan", "type": "macvlan", "master": "eth0", "ipam": {"type": "host-local", "subnet": "10.5.0.0/24"}}
JSON
R=$(uuid)
prepare "$R" web ""
"$STAGE0" run --data-dir "$D" --uuid "$R" --net=lan --local-config="$CFG" >"$W/run-$R.log" 2>&1
rc=$?
check "--net=lan (macvlan) exits 254 with one line naming the type" \
  test "$rc" = 254 -a "$(wc -l <"$W/run-$R.log")" = 1 -a "$(grep -c "type 'macvlan'" "$W/run-$R.log")" = 1
sed 's/^/#   /' "$W/run-$R.log"
check "the refused pod created no domain" test -z "$(xl list | grep "rkt-$R")"
"$STAGE0" gc --data-dir "$D" --uuid "$R" >/dev/null 2>&1

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
