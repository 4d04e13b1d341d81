#!/usr/bin/env bash
# Smoke tests of pod networking on a real Xen host (run in dom0, as root): stage1-xen.aci under the real rkt 1.30.0
# (--net, --port, --hostname), with the image's own host-local plugin, dom0's ip and iptables, and busybox apps.
# Prints one "ok - …" or "FAIL - …" line per check and "N passed, N failed" at the end; exits 1 on any failure.
#
#   network.sh [COMMON-OPTION]...
#
# Common options (lib/suite.sh): --aci PATH, --rkt PATH, --types "pv pvh" (default pv: PVH guests under TCG
# emulation sometimes die in early boot, which is not what this checks), --debug, --keep, --work DIR (default
# /var/tmp/s1x-network), --logs DIR, --emulated.
SUITE=network
WORK=/var/tmp/s1x-network
. "$(dirname "${BASH_SOURCE[0]}")/lib/suite.sh"
GW=172.16.28.1

suite_options "$@"

suite_setup pv
mkdir -p "$CONF/net.d"

# images: busybox app roots serving a page, with a declared port
web_image() { # web_image NAME PAGE
  echo "$2" >"$IMAGES/$1.html"
  make_aci "$IMAGES/$1.aci" "example.com/$1" \
    "$(app_json '["/bin/httpd","-f","-p","80","-h","/srv/www"]' '"ports":[{"name":"http","protocol":"tcp","port":80}]')" \
    "$IMAGES/$1.html:srv/www/index.html" || fatal "images: $1" "$IMAGE_ERROR"
}
web_image web hello-from-pod
web_image other hello-from-other
ok "images: $IMAGES/web.aci, $IMAGES/other.aci"

# dom0 serves a page on its end of the default network, for the pods to fetch
mkdir -p "$WORK/dom0www"
echo hello-from-dom0 >"$WORK/dom0www/index.html"
DOM0_HTTPD=""
stop_dom0_httpd() { [ -z "$DOM0_HTTPD" ] || kill "$DOM0_HTTPD" 2>/dev/null; DOM0_HTTPD=""; }
trap 'stop_dom0_httpd; suite_cleanup' EXIT

ip_of() { sed -n 's/.*"ip":"\([0-9.]*\)".*/\1/p' "$(pod_dir)/net-info.json" 2>/dev/null; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what" "$(show "$*") is false"; fi
}
# HTTP over nc: Debian's busybox-static wget segfaults (glibc's resolver in a static binary), nc does not
REQUEST='GET / HTTP/1.0\r\nHost: x\r\n\r\n'
body() { sed '1,/^\r*$/d'; } # the response without its headers
fetch() { printf "$REQUEST" | timeout 20 busybox nc -w 10 "$1" "$2" 2>/dev/null | body; } # fetch HOST PORT, from dom0
guest_fetch() { # guest_fetch APP HOST PORT: the same from inside pod U, through rkt enter
  rk enter --app="$1" "$U" /bin/sh -c 'printf "$0" | nc -w 10 "$1" "$2"' "$REQUEST" "$2" "$3" 2>&1 | body
}
# finish: pod U stopped with rkt stop and collected with rkt rm
finish() {
  rk stop "$U" >/dev/null 2>&1
  wait_end 120
  collect
}

scenario_network() {
  local type=$1 c="$1 network" a b ipa ipb out
  section "$c: two pods at once"
  # ---- two pods at once: different addresses; each reachable; each reaches dom0; forwarded port ----
  start_pod netA "$type" --net=default --port=http:8088 --hostname=web-a "$IMAGES/web.aci" \
    || { fail "$c: rkt run of pod A" "ended with $RC: $(last_error)"; return; }
  a=$U
  start_pod netB "$type" --net=default "$IMAGES/other.aci" \
    || { fail "$c: rkt run of pod B" "ended with $RC: $(last_error)"; U=$a; collect; return; }
  b=$U
  U=$a L=$LOGS/netA$ATTEMPT
  if wait_ready && { U=$b L=$LOGS/netB$ATTEMPT; wait_ready; }; then
    U=$a
    ipa=$(ip_of)
    U=$b
    ipb=$(ip_of)
    note "pod A: $ipa, pod B: $ipb"
    check "$c: two pods started at once get different addresses ($ipa, $ipb)" \
      test -n "$ipa" -a -n "$ipb" -a "$ipa" != "$ipb"
    U=$a
    check "$c: net-info.json is rkt's format" grep -q '^\[{"netName":"default","netConf":"xen/net/default.conf","pluginPath":".*","ifName":"eth0","ip":"'"$ipa"'","args":"","mask":"255.255.255.0"}\]$' "$(pod_dir)/net-info.json"
    expect_eq "$c: rkt status shows pod A's network from net-info.json" "networks=default:ip4=$ipa" \
      "$(rk status "$a" 2>&1 | grep '^networks=')"
    expect_eq "$c: rkt list --full: pod A's NETWORKS column" "default:ip4=$ipa" "$(rkt_list_fields "$a" NETWORKS)"
    expect_manifest "$c: rkt's pod manifest of A has the --port mapping" "$a" '"ports":[{"name":"http","hostPort":8088}]'
    check "$c: dom0 reaches pod A's TCP port 80" test "$(fetch "$ipa" 80)" = hello-from-pod
    check "$c: dom0 reaches pod B's TCP port 80" test "$(fetch "$ipb" 80)" = hello-from-other
    busybox httpd -f -p "$GW:8081" -h "$WORK/dom0www" &
    DOM0_HTTPD=$!
    U=$b
    out=$(guest_fetch other "$GW" 8081)
    check "$c: pod B reaches dom0 ($GW:8081): '$out'" test "$out" = hello-from-dom0
    stop_dom0_httpd
    U=$a
    out=$(rk enter --app=web "$a" /bin/ip -o -4 addr show 2>&1)
    check "$c: pod A's eth0 has its address from the plan" grep -q "eth0 *inet $ipa/24" <<<"$out"
    out=$(rk enter --app=web "$a" /bin/ip route 2>&1)
    check "$c: pod A's default route goes through dom0" grep -q "default via $GW dev eth0" <<<"$out"
    expect_eq "$c: pod A's hostname is its --hostname" web-a "$(rk enter --app=web "$a" /bin/hostname 2>&1)"
    check "$c: forwarded host port 8088 reaches pod A's app (from dom0, 127.0.0.1)" \
      test "$(fetch 127.0.0.1 8088)" = hello-from-pod
    U=$b
    out=$(guest_fetch other "$GW" 8088)
    check "$c: forwarded host port 8088 reaches pod A's app (from pod B, through dom0's address)" \
      test "$out" = hello-from-pod
    check "$c: two leases are held while the pods run" test "$(leases | wc -l)" = 2
  else
    fail "$c: pods A and B ready" "$(last_error)"
  fi
  U=$a L=$LOGS/netA$ATTEMPT
  finish
  U=$b L=$LOGS/netB$ATTEMPT
  finish
  check "$c: rkt stop and rkt rm returned both addresses" test -z "$(leases)"
  check "$c: no iptables rule is left" test "$(s1x_rules)" = 0
  check "$c: no domain is left" test -z "$(xl list | grep rkt-)"

  # ---- the address comes back: the next pod can have pod A's address ----
  section "$c: the released address"
  if [ -n "${ipa:-}" ]; then
    if start_ready netC "$type" --net="default:IP=$ipa" "$IMAGES/web.aci"; then
      expect_eq "$c: a new pod gets the released address (--net=default:IP=$ipa)" "$ipa" "$(ip_of)"
      finish
    fi
  fi

  # ---- a run killed with SIGKILL: gc releases its address and rules ----
  section "$c: SIGKILL"
  if start_ready netK "$type" --net=default "$IMAGES/web.aci"; then
    kill -9 "${RUNPID[$U]}"
    wait "${RUNPID[$U]}" 2>/dev/null
    check "$c: after SIGKILL the lease and the rules are still there (only gc can release them)" \
      test -n "$(leases)" -a "$(s1x_rules)" != 0
    collect gc
    check "$c: rkt gc after SIGKILL returned the address" test -z "$(leases)"
    check "$c: rkt gc after SIGKILL left no rule" test "$(s1x_rules)" = 0
    expect_eq "$c: rkt gc after SIGKILL destroyed the domain and removed the pod" "0|" "$GC_RC|$LEFT"
  fi

  # ---- --net=none: loopback only ----
  section "$c: --net=none"
  if start_pod netN "$type" --net=none "$IMAGES/web.aci" --exec=/bin/ip -- -o link; then
    wait_end "$END_TIMEOUT"
    local links
    links=$(grep -c '^[0-9]*: ' "$L/run.out")
    check "$c: --net=none: the guest has only lo ($(sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' "$L/run.out" | tr '\n' ' '))" \
      test "$links" = 1 -a "$(grep -c '^1: lo:' "$L/run.out")" = 1
    expect_eq "$c: --net=none: rkt status has no network" "networks=" "$(rk status "$U" 2>&1 | grep '^networks=')"
    collect
  else
    fail "$c: rkt run --net=none" "ended with $RC: $(last_error)"
  fi

  # ---- an unsupported network type is refused with one line, before anything happens ----
  section "$c: a refused network type"
  cat >"$CONF/net.d/10-lan.conf" <<'JSON'
{"name": "lan", "type": "macvlan", "master": "eth0", "ipam": {"type": "host-local", "subnet": "10.5.0.0/24"}}
JSON
  local RKT_DEBUG=0 # one line on stderr is the check
  if start_pod netR "$type" --net=lan "$IMAGES/web.aci"; then
    wait_end 120
    check "$c: --net=lan (macvlan) exits 254 with one line naming the type" \
      test "$RC" = 254 -a "$(grep -c . "$L/run.err")" = 1 -a "$(grep -c "type 'macvlan'" "$L/run.err")" = 1
    sed 's/^/#   /' "$L/run.err"
    check "$c: the refused pod created no domain" test -z "$(xl list | grep "rkt-$U")"
    collect
  else
    fail "$c: rkt run --net=lan" "ended with $RC before it saved the pod's uuid: $(last_error)"
  fi
  rm -f "$CONF/net.d/10-lan.conf"
}

for t in $TYPES; do
  run_scenario network "$t" scenario_network "$t"
done
summary
[ "$FAILED" = 0 ]
