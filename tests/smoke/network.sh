#!/usr/bin/env bash
# Smoke tests of pod networking on a real Xen host (run in dom0, as root): stage1-xen.aci under the real rkt 1.30.0
# (--net, --port, --hostname), with the image's own host-local plugin, dom0's ip, tc and iptables, and busybox apps.
# Prints one "ok - …" or "FAIL - …" line per check and "N passed, N failed" at the end; exits 1 on any failure.
#
#   network.sh [--only ptp|bridge]... [--undefended] [COMMON-OPTION]...
#
#   --only NAME    run only this scenario (repeatable): ptp (--net=default, two pods, the released address, SIGKILL, a sandbox,
#                  --net=none, a refused type) or bridge (a bridge network of two pods); default: both
#   --undefended   before the attacks, take pod A's defences away in dom0 (its vif filter, its guard jumps) and set
#                  route_localnet on dom0's device towards it, as stage1-xen did before: every check of an attack
#                  must then FAIL, which shows that the checks can fail (not for CI)
#
# Common options (lib/suite.sh): --aci PATH, --rkt PATH, --types "pv pvh" (default pv: PVH guests under TCG
# emulation sometimes die in early boot, which is not what this checks), --debug, --keep, --work DIR (default
# /var/tmp/s1x-network), --logs DIR, --emulated.
#
# In both scenarios pod A (image web, with tests/images/net-attack.sh) attacks as root in its guest (docs/SECURITY.md,
# "Network"): dom0's 127.0.0.1 through the gateway, a new connection to and a ping of the gateway, packets from pod
# B's address, IPv6 to dom0's link-local address, and on the bridge ARP claiming B's address and the gateway's. Each
# attack is shown to have been mounted (the guest's route, the packets sent) and to have failed (no answer, the vif
# filter's drop counter grew, a counter in dom0's raw table and one in an "outside" network namespace saw nothing),
# next to a control that the same path works for what the pod may do.
SUITE=network
WORK=/var/tmp/s1x-network
ONLY=""
UNDEFENDED=0
suite_own_option() {
  case $1 in
    --undefended) UNDEFENDED=1 SHIFT=1 ;;
    --only)
      case ${2:-} in ptp|bridge) ONLY+=" $2" SHIFT=2 ;; *) echo "network.sh: --only takes ptp or bridge" >&2; exit 2 ;; esac ;;
  esac
}
. "$(dirname "${BASH_SOURCE[0]}")/lib/suite.sh"
GW=172.16.28.1
# the bridge network of the bridge scenario
BR=smkbr0
BR_GW=10.77.0.1
# the "outside": a network namespace behind a veth pair, reached from the pods through dom0 (routing, NAT)
OUT_NS=nsmout
OUT_DOM0=10.99.0.1
OUT_IP=10.99.0.2

suite_options "$@"
[ -n "$ONLY" ] || ONLY="ptp bridge"

suite_setup pv
mkdir -p "$CONF/net.d"

# images: busybox app roots serving a page, with a declared port; web also carries the attacks
web_image() { # web_image NAME PAGE [SRC:DEST]...
  local name=$1
  echo "$2" >"$IMAGES/$1.html"
  shift 2
  make_aci "$IMAGES/$name.aci" "example.com/$name" \
    "$(app_json '["/bin/httpd","-f","-p","80","-h","/srv/www"]' '"ports":[{"name":"http","protocol":"tcp","port":80}]')" \
    "$IMAGES/$name.html:srv/www/index.html" "$@" || fatal "images: $name" "$IMAGE_ERROR"
}
web_image web hello-from-pod "$REPO/tests/images/net-attack.sh:srv/net-attack.sh"
web_image other hello-from-other
ok "images: $IMAGES/web.aci, $IMAGES/other.aci"

# dom0's services: one on its loopback only (what CVE-2020-8558 reaches), one on a gateway address; the outside's
mkdir -p "$WORK/dom0www" "$WORK/secret" "$WORK/outwww"
echo hello-from-dom0 >"$WORK/dom0www/index.html"
echo secret-of-dom0 >"$WORK/secret/index.html"
echo hello-from-outside >"$WORK/outwww/index.html"
DAEMONS=()
serve() { # serve [NETNS] ADDR:PORT DIR: busybox httpd in the background (in NETNS when given), pid SERVED
  if [ $# = 3 ]; then
    ip netns exec "$1" busybox httpd -f -p "$2" -h "$3" &
  else
    busybox httpd -f -p "$1" -h "$2" &
  fi
  SERVED=$!
  DAEMONS+=("$SERVED")
  sleep 0.5
}
stop_daemon() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
stop_daemons() {
  local p
  for p in ${DAEMONS[@]+"${DAEMONS[@]}"}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  DAEMONS=()
}
# what the suite adds to dom0 (the outside namespace, the counters, the bridge), removed at the end
host_cleanup() {
  stop_daemons
  iptables -w -t raw -D PREROUTING -j NSMCOUNT 2>/dev/null
  iptables -w -t raw -F NSMCOUNT 2>/dev/null
  iptables -w -t raw -X NSMCOUNT 2>/dev/null
  ip netns del "$OUT_NS" 2>/dev/null
  ip link del nsm0 2>/dev/null
  ip link del "$BR" 2>/dev/null
  return 0
}
trap 'host_cleanup; suite_cleanup' EXIT
host_cleanup
ip netns add "$OUT_NS" && ip link add nsm0 type veth peer name nsm1 && ip link set nsm1 netns "$OUT_NS" \
  && ip addr add "$OUT_DOM0/24" dev nsm0 && ip link set nsm0 up \
  && ip netns exec "$OUT_NS" ip addr add "$OUT_IP/24" dev nsm1 && ip netns exec "$OUT_NS" ip link set nsm1 up \
  && ip netns exec "$OUT_NS" ip link set lo up && ip netns exec "$OUT_NS" ip route add default via "$OUT_DOM0" \
  && iptables -w -t raw -N NSMCOUNT && iptables -w -t raw -I PREROUTING 1 -j NSMCOUNT \
  || fatal "host: the outside namespace and counters" "ip netns/veth or iptables' raw table failed"
serve "$OUT_NS" "$OUT_IP:8090" "$WORK/outwww"
serve 127.0.0.1:8082 "$WORK/secret"
ok "host: an outside namespace $OUT_NS ($OUT_IP, dom0 $OUT_DOM0) serving port 8090; dom0 serves 127.0.0.1:8082 only"
# dom0's own address, for forwarded ports: its source towards the world, else its end of the outside's veth
DOM0_IP=$(ip -4 route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
case $DOM0_IP in ""|172.16.*|10.77.*) DOM0_IP=$OUT_DOM0 ;; esac

ip_of() { ip_on default; }
ip_on() { # ip_on NET: pod U's address on network NET (net-info.json)
  sed 's/},{/}\n{/g' "$(pod_dir)/net-info.json" 2>/dev/null | grep "\"netName\":\"$1\"" \
    | sed -n 's/.*"ip":"\([0-9.]*\)".*/\1/p'
}
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what" "$(show "$*") is false"; fi
}
has() { grep -qF -- "$2" <<<"$1"; } # has TEXT PART
# HTTP over nc: Debian's busybox-static wget segfaults (glibc's resolver in a static binary), nc does not
REQUEST='GET / HTTP/1.0\r\nHost: x\r\n\r\n'
body() { sed '1,/^\r*$/d'; } # the response without its headers
fetch() { printf "$REQUEST" | timeout 20 busybox nc -w 10 "$1" "$2" 2>/dev/null | body; } # fetch HOST PORT, from dom0
out_fetch() { printf "$REQUEST" | timeout 20 ip netns exec "$OUT_NS" busybox nc -w 10 "$1" "$2" 2>/dev/null | body; }
guest_fetch() { # guest_fetch APP HOST PORT: the same from inside pod U, through rkt enter
  rk enter --app="$1" "$U" /bin/sh -c 'printf "$0" | nc -w 10 "$1" "$2"' "$REQUEST" "$2" "$3" 2>&1 | body
}
# finish: pod U stopped with rkt stop and collected with rkt rm
finish() {
  rk stop "$U" >/dev/null 2>&1
  wait_end 120
  collect
}

# ---- the attacks' evidence ----
vif_of() { local d; d=$(xl domid "rkt-$U" 2>/dev/null) && echo "vif$d.0"; } # pod U's first vif
tc_drops() { # tc_drops VIF PREF: packets the vif's ingress filter of that preference acted on (its drops)
  tc -s filter show dev "$1" ingress 2>/dev/null | awk -v p="pref $2 " '
    /^filter / { on = index($0, p) > 0 }
    on && /Sent [0-9]+ bytes [0-9]+ pkt/ { for (i = 1; i <= NF; i++) if ($i == "pkt") n = $(i - 1); on = 0 }
    END { print n + 0 }'
}
counter_add() { # counter_add [-n NETNS] NAME SPEC...: a rule that only counts (raw PREROUTING in dom0, INPUT in NETNS)
  if [ "$1" = -n ]; then
    ip netns exec "$2" iptables -w -A INPUT "${@:4}" -m comment --comment "nsm-$3"
  else
    iptables -w -t raw -A NSMCOUNT "${@:2}" -m comment --comment "nsm-$1"
  fi
}
counter() { # counter [-n NETNS] NAME: packets counted
  local save=(iptables-save -c)
  [ "$1" != -n ] || { save=(ip netns exec "$2" iptables-save -c); shift 2; }
  "${save[@]}" 2>/dev/null | grep -F -- "--comment nsm-$1" | head -n 1 | sed -n 's/^\[\([0-9]*\):.*/\1/p'
}
guard_drops() { # guard_drops: packets pod U's guard chain dropped (its last rule)
  local chain
  chain=$(iptables -w -S INPUT 2>/dev/null | grep -F -- "s1x:$U" | head -n 1 | sed 's/.*-j //')
  [ -n "$chain" ] || { echo none; return; }
  iptables-save -c -t filter 2>/dev/null | sed -n "s/^\[\([0-9]*\):[0-9]*\] -A $chain -j DROP\$/\1/p" | tail -n 1
}
localnet_on() { sysctl -a 2>/dev/null | grep 'route_localnet = 1'; } # what has route_localnet=1
no_answer() { has "$1" 'packets transmitted' && has "$1" ' 0 packets received'; } # ping's summary: sent, none back

# hostile_checks C A B IPB GW LLDEV [arp]: pod A (uuid; its app web) attacks dom0 and pod B (address IPB) over its
# network with gateway GW, all steps in one `rkt enter`; LLDEV is dom0's device facing the pod (its vif on ptp, the
# bridge). With arp (a bridge), pod A also claims B's address to dom0 and the gateway's to B.
hostile_checks() {
  local c=$1 a=$2 b=$3 ipb=$4 gw=$5 lldev=$6 arp=${7:-} vif ll gwd maca macb macbr n steps
  local lo0 lo1 all0 all1 g0 g1 want=0
  U=$a
  vif=$(vif_of)
  note "pod A's vif: $vif; dom0's device towards it: $lldev"
  [ "$UNDEFENDED" = 0 ] || undefend "$vif" "$lldev"
  check "$c: no route_localnet is 1 in dom0 while the pods run ($(show "$(localnet_on)"))" test -z "$(localnet_on)"

  # controls: what the attacks aim at is there, and what the pod may do works
  check "$c: control: dom0 itself reaches its loopback-only service 127.0.0.1:8082" test "$(fetch 127.0.0.1 8082)" = secret-of-dom0
  serve "$gw:8081" "$WORK/dom0www"
  gwd=$SERVED
  check "$c: control: dom0 serves $gw:8081" test "$(fetch "$gw" 8081)" = hello-from-dom0
  counter_add "lo-$a" -d 127.0.0.0/8 ! -i lo
  counter_add "forged-$a" -s "$ipb/32" -d "$OUT_IP/32"
  counter_add -n "$OUT_NS" "forged-$a" -s "$ipb/32"
  steps=(fetch "$OUT_IP" 8090 loopback "$gw" 8082 gateway "$gw" 8081 forge "$ipb" "$OUT_IP" 8090 "$gw")
  ll=$(ip -6 -o addr show dev "$lldev" scope link 2>/dev/null | sed -n 's/.* inet6 \(fe80:[0-9a-f:]*\)\/.*/\1/p' | head -n 1)
  [ -z "$ll" ] || steps+=(ipv6 "$ll")
  if [ -n "$arp" ]; then
    maca=$(sed -n 's/[^"]*"mac=\([0-9a-f:]*\),.*/\1/p' "$(pod_dir)/xen/domain.cfg" | head -n 1)
    U=$b
    macb=$(sed -n 's/[^"]*"mac=\([0-9a-f:]*\),.*/\1/p' "$(pod_dir)/xen/domain.cfg" | head -n 1)
    U=$a
    macbr=$(cat "/sys/class/net/$BR/address")
    note "MACs: pod A $maca, pod B $macb, $BR $macbr"
    ping -c 1 -W 5 "$ipb" >/dev/null 2>&1 # dom0 learns B's MAC, B learns the gateway's
    n=$(ip neigh show "$ipb" dev "$BR")
    check "$c: control: dom0's neighbour entry of pod B ($ipb) has B's MAC: '$n'" has "$n" "lladdr $macb"
    steps+=(arp "$gw" "$ipb")
  fi
  lo0=$(tc_drops "$vif" 1) all0=$(tc_drops "$vif" 4) g0=$(guard_drops)
  ATTACK=$(rk enter --app=web "$a" /bin/sh /srv/net-attack.sh "${steps[@]}" 2>&1)
  printf '%s\n' "$ATTACK" | sed 's/^/#   attack: /'
  lo1=$(tc_drops "$vif" 1) all1=$(tc_drops "$vif" 4) g1=$(guard_drops)
  stop_daemon "$gwd"
  step() { grep "^$1: " <<<"$ATTACK"; } # step NAME: the attack's lines of that step

  n=$(step "fetch answer")
  check "$c: control: pod A reaches the outside ($OUT_IP:8090) with its own address: '${n##*  }'" has "$n" hello-from-outside

  # dom0's 127.0.0.1, through the gateway (CVE-2020-8558)
  check "$c: pod A routes 127.0.0.1 through the gateway (the attack is mounted)" has "$(step "loopback route")" "127.0.0.1 via $gw dev eth0"
  check "$c: pod A does not reach dom0's 127.0.0.1:8082 through the gateway" eval '! has "$(step "loopback answer")" secret-of-dom0'
  check "$c: pod A's vif filter dropped its packets to 127.0.0.0/8 ($lo0 -> $lo1)" test "$lo1" -gt "$lo0"
  n=$(counter "lo-$a")
  check "$c: no packet to 127.0.0.0/8 from outside lo reached dom0's netfilter (raw PREROUTING: ${n:-?})" test "$n" = 0

  # a new connection to dom0's gateway address
  check "$c: pod A's new connection to dom0's $gw:8081 gets nothing" eval '! has "$(step "gateway answer")" hello-from-dom0'
  check "$c: pod A's ping of the gateway $gw gets no answer" no_answer "$(step "gateway ping")"
  check "$c: pod A's guard chain dropped them ($g0 -> $g1)" test "$g1" -gt "$g0"

  # pod B's address, forged
  check "$c: pod A sends from pod B's address $ipb (the attack is mounted)" has "$(step "forge route")" "src $ipb"
  check "$c: pod A's ping from $ipb gets no answer" no_answer "$(step "forge ping")"
  check "$c: pod A's connection from $ipb to the outside gets nothing" eval '! has "$(step "forge answer")" hello-from-outside'
  n=$(counter "forged-$a")
  check "$c: nothing from $ipb reached dom0's netfilter (raw PREROUTING: ${n:-?})" test "$n" = 0
  n=$(counter -n "$OUT_NS" "forged-$a")
  check "$c: nothing from $ipb reached the outside namespace (INPUT: ${n:-?})" test "$n" = 0
  want=4 # 3 pings and at least one SYN from the forged address

  # IPv6 to dom0's link-local address
  if [ -z "$ll" ]; then
    skip "$c: IPv6 to dom0's link-local address" "$lldev has no IPv6 link-local address in dom0 (IPv6 off there)"
  elif has "$(step "ipv6 own")" "fe80:"; then
    check "$c: pod A's ping6 of dom0's $ll on $lldev gets no answer" no_answer "$(step "ipv6 ping")"
    want=$((want + 3))
  else
    skip "$c: IPv6 to dom0's link-local address" "the guest's eth0 has no IPv6 link-local address"
  fi

  # ARP on the bridge
  if [ -n "$arp" ]; then
    check "$c: pod A sent ARP claiming $ipb and $gw (the attack is mounted)" test "$(grep '^arp as ' <<<"$ATTACK" | grep -ci 'sent [1-9]')" = 2
    n=$(ip neigh show "$ipb" dev "$BR")
    check "$c: dom0's neighbour entry of pod B still has B's MAC: '$n'" eval 'has "$n" "lladdr $macb" && ! has "$n" "$maca"'
    n=$(rk enter --app=other "$b" /bin/ip neigh show "$gw" 2>&1)
    check "$c: pod B's neighbour entry of the gateway still has $BR's MAC: '$n'" \
      eval 'has "$n" "lladdr $macbr" && ! has "$n" "$maca"'
    want=$((want + 4))
  fi
  check "$c: pod A's vif filter dropped the forged and IPv6 packets and ARP ($all0 -> $all1, at least $want)" \
    test "$all1" -ge $((all0 + want))
}

# undefend VIF DEV: --undefended: pod U's vif filter and guard jumps removed, route_localnet=1 on DEV
undefend() {
  local r
  note "--undefended: removing $1's filter and pod A's guard jumps, route_localnet=1 on $2"
  tc qdisc del dev "$1" ingress
  # iptables-nft -S prints the comment in double quotes, which word splitting would keep: they go
  iptables -w -S INPUT | grep -F -- "s1x:$U" | sed -e 's/^-A /-D /' -e 's/"//g' | while read -r r; do
    # shellcheck disable=SC2086 # the rule's words, as iptables -S prints them
    iptables -w $r
  done
  sysctl -q -w "net/ipv4/conf/$2/route_localnet=1"
}

# after_gc C NET: nothing of the pods is left in dom0
after_gc() {
  local c=$1 n
  check "$c: no lease of $2 is left" test -z "$(leases | grep "/$2/")"
  n=$(iptables-save 2>/dev/null | grep -i 's1x')
  check "$c: iptables-save has no S1X chain and no s1x comment ($(show "$n"))" test -z "$n"
  if command -v nft >/dev/null 2>&1; then
    n=$(nft list ruleset 2>/dev/null | grep -i 's1x')
    check "$c: nft list ruleset has no S1X chain and no s1x comment ($(show "$n"))" test -z "$n"
  fi
  n=$(ip -o link show 2>/dev/null | grep -o ' vif[0-9]*\.[0-9]*' | tr -d ' ' | paste -sd ' ' -)
  check "$c: no vif is left ($n)" test -z "$n"
  check "$c: no route_localnet is 1 anywhere ($(show "$(localnet_on)"))" test -z "$(localnet_on)"
}

# forwarded_checks C B APP GW PORT: host port PORT, forwarded to pod A's port 80, answers on dom0's own addresses:
# from dom0, from the outside namespace and from pod B (app APP) through the gateway; not on dom0's 127.0.0.1
forwarded_checks() {
  local c=$1 b=$2 app=$3 gw=$4 port=$5 out u=$U
  check "$c: forwarded host port $port reaches pod A's app from dom0 (dom0's address $DOM0_IP)" \
    test "$(fetch "$DOM0_IP" "$port")" = hello-from-pod
  check "$c: forwarded host port $port reaches pod A's app from another network namespace ($OUT_DOM0:$port)" \
    test "$(out_fetch "$OUT_DOM0" "$port")" = hello-from-pod
  U=$b
  out=$(guest_fetch "$app" "$gw" "$port")
  check "$c: forwarded host port $port reaches pod A's app from pod B, through the gateway: '$out'" test "$out" = hello-from-pod
  U=$u
  check "$c: forwarded host port $port is not forwarded from dom0's 127.0.0.1" test "$(fetch 127.0.0.1 "$port")" != hello-from-pod
}

# two_pods C NAME TYPE NET PORT [RUN-ARG...]: pod A (image web, --port=http:PORT, the RUN-ARGs) and pod B (image
# other), both --net=NET, started at once; A and B are their uuids. 0 once both are ready, 1 when one was not (U and
# L are B's then), 2 when a run failed to start (reported, the other collected)
two_pods() {
  local c=$1 name=$2 type=$3 net=$4 port=$5
  shift 5
  start_pod "${name}A" "$type" --net="$net" --port="http:$port" "$@" "$IMAGES/web.aci" \
    || { fail "$c: rkt run of pod A" "ended with $RC: $(last_error)"; return 2; }
  A=$U
  start_pod "${name}B" "$type" --net="$net" "$IMAGES/other.aci" \
    || { fail "$c: rkt run of pod B" "ended with $RC: $(last_error)"; U=$A; collect; return 2; }
  B=$U
  U=$A L=$LOGS/${name}A$ATTEMPT
  wait_ready && { U=$B L=$LOGS/${name}B$ATTEMPT; wait_ready; } && return 0
  return 1
}

# finish_two C NAME NET: two_pods' pods A and B stopped and removed; nothing of theirs is left
finish_two() {
  U=$A L=$LOGS/${2}A$ATTEMPT
  finish
  U=$B L=$LOGS/${2}B$ATTEMPT
  finish
  check "$1: no domain is left" test -z "$(xl list | grep rkt-)"
  after_gc "$1: after rkt stop and rkt rm" "$3"
}

scenario_ptp() {
  local type=$1 c="$1 ptp" a b ipa ipb out r
  section "$c: two pods at once"
  # ---- two pods at once: different addresses; each reachable; each reaches dom0; forwarded port ----
  two_pods "$c" net "$type" default 8088 --hostname=web-a
  r=$?
  [ $r != 2 ] || return
  a=$A b=$B
  if [ $r = 0 ]; then
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
    U=$a
    out=$(rk enter --app=web "$a" /bin/ip -o -4 addr show 2>&1)
    check "$c: pod A's eth0 has its address from the plan" grep -q "eth0 *inet $ipa/24" <<<"$out"
    out=$(rk enter --app=web "$a" /bin/ip route 2>&1)
    check "$c: pod A's default route goes through dom0" grep -q "default via $GW dev eth0" <<<"$out"
    expect_eq "$c: pod A's hostname is its --hostname" web-a "$(rk enter --app=web "$a" /bin/hostname 2>&1)"
    forwarded_checks "$c" "$b" other "$GW" 8088
    check "$c: two leases are held while the pods run" test "$(leases | wc -l)" = 2
    hostile_checks "$c" "$a" "$b" "$ipb" "$GW" "$(vif_of)"
  else
    fail "$c: pods A and B ready" "$(last_error)"
  fi
  finish_two "$c" net default

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
    expect_eq "$c: rkt gc after SIGKILL destroyed the domain and removed the pod" "0|" "$GC_RC|$LEFT"
    after_gc "$c: after SIGKILL and rkt gc" default
  fi

  # ---- a sandbox on the default network (rkt app sandbox --net=default): an app added later serves on its address --
  section "$c: a sandbox"
  local id ips
  if ! start_sandbox netS "$type" --net=default; then
    fail "$c: rkt app sandbox --net=default" "ended with $RC before it saved the pod's uuid: $(last_error)"
  elif await_ready "$c: sandbox"; then
    ips=$(ip_of)
    check "$c: the sandbox has an address on default ($ips)" test -n "$ips"
    id=$(rk fetch "$IMAGES/web.aci" 2>"$L/fetch.err" | tail -n 1)
    rk app add "$U" "$id" --name=web >"$L/add.out" 2>&1 && rk app start "$U" --app=web >>"$L/add.out" 2>&1
    r=$?
    check "$c: rkt app add and app start of web in the sandbox ($(show "$(cat "$L/add.out")"))" test "$r" = 0
    for _ in $(seq 1 60); do [ "$(fetch "$ips" 80)" = hello-from-pod ] && break; sleep 0.5; done
    check "$c: dom0 reaches the added app's TCP port 80 on the sandbox's address" test "$(fetch "$ips" 80)" = hello-from-pod
    out=$(rk enter --app=web "$U" /bin/ip route 2>&1)
    check "$c: the added app's default route goes through dom0" grep -q "default via $GW dev eth0" <<<"$out"
    finish
    check "$c: rkt stop and rm of the sandbox return its address" test -z "$(leases | grep /default/)"
  fi
  unset RKT_EXPERIMENT_APP

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

scenario_bridge() {
  local type=$1 c="$1 bridge" a b ipa ipb r
  section "$c: two pods on a bridge"
  cat >"$CONF/net.d/20-br.conf" <<JSON
{"cniVersion": "0.4.0", "name": "br", "type": "bridge", "bridge": "$BR", "isGateway": true, "ipMasq": true,
 "ipam": {"type": "host-local", "subnet": "10.77.0.0/24", "routes": [{"dst": "0.0.0.0/0"}]}}
JSON
  two_pods "$c" br "$type" br 8089
  r=$?
  [ $r != 2 ] || return
  a=$A b=$B
  if [ $r = 0 ]; then
    U=$a
    ipa=$(ip_on br)
    U=$b
    ipb=$(ip_on br)
    note "pod A: $ipa, pod B: $ipb (bridge $BR, gateway $BR_GW)"
    check "$c: both pods have an address on the bridge network ($ipa, $ipb)" \
      test -n "$ipa" -a -n "$ipb" -a "$ipa" != "$ipb"
    U=$a
    check "$c: pod A's vif is a port of $BR" test "$(cat "/sys/class/net/$(vif_of)/master/ifindex" 2>/dev/null)" = "$(cat "/sys/class/net/$BR/ifindex")"
    check "$c: dom0 reaches pod B's TCP port 80 over the bridge" test "$(fetch "$ipb" 80)" = hello-from-other
    forwarded_checks "$c" "$b" other "$BR_GW" 8089
    hostile_checks "$c" "$a" "$b" "$ipb" "$BR_GW" "$BR" arp
  else
    fail "$c: pods A and B ready" "$(last_error)"
  fi
  finish_two "$c" br br
  rm -f "$CONF/net.d/20-br.conf"
}

for t in $TYPES; do
  for s in $ONLY; do
    run_scenario "$s" "$t" "scenario_$s" "$t"
  done
done
summary
[ "$FAILED" = 0 ]
