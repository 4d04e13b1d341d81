#!/bin/sh
# Runs in a Xen dom0: boots the stage1-xen guest with each kernel format, guest type and memory size given, runs
# one app (/bin/echo) through the control protocol and prints one line of timings per boot.
#
#   measure-guest.sh DIR
#
# DIR holds kernel.<format> files, initrd, rootfs/ (tests/images/make-rootfs.sh) and ctl-client (static). A
# "format" may also be another kernel (kernel.debian, kernel.source, each an ELF): initrd.<format>, when present, is
# the initrd booted with it (Debian's kernel needs the initrd that carries its modules).
# Environment: RUNS (3), TYPES ("pv pvh"), FORMATS ("bzimage elf gzelf"), MEMS ("256"), OUT (DIR/results.txt),
# APP (1; 0 = a plan without apps, the guest powers off right after it: boot and load times only), EXTRA_CMDLINE
# (appended to the kernel command line, which is otherwise the one the stage1 gives its pods, e.g. "printk.time=1").
# Times are ms from the start of `xl create`: create = xl create returned, hello = HELLO received, out = the
# app's first output, off = POWEROFF received, gone = the domain no longer exists.
set -u
D=$(cd "${1:?usage: measure-guest.sh DIR}" && pwd)
RUNS=${RUNS:-3}
TYPES=${TYPES:-pv pvh}
FORMATS=${FORMATS:-bzimage elf gzelf}
MEMS=${MEMS:-256}
OUT=${OUT:-$D/results.txt}
W=/tmp/s1x-measure
rm -rf "$W"
mkdir -p "$W"
cp "$D"/kernel.* "$D"/initrd* "$D/ctl-client" "$W/"
cp -a "$D/rootfs" "$W/rootfs"
now() { date +%s%N; }
field() { sed -n "s/^\([0-9]*\) $1.*/\1/p" "$2" | head -n1; }

# Runs are the outer loop, so that every format and type is measured under the same (shared, changing) load.
i=1
while [ "$i" -le "$RUNS" ]; do
for mem in $MEMS; do
  for type in $TYPES; do
    for fmt in $FORMATS; do
        name="m-$type-$fmt-$mem-$i"
        cfg="$W/$name.cfg"
        initrd=$W/initrd
        [ ! -f "$W/initrd.$fmt" ] || initrd=$W/initrd.$fmt
        cat >"$cfg" <<CFG
name = "$name"
type = "$type"
kernel = "$W/kernel.$fmt"
ramdisk = "$initrd"
cmdline = "console=hvc0 quiet s1x.ctl=/dev/hvc1 s1x.transport=xen${EXTRA_CMDLINE:+ $EXTRA_CMDLINE}"
memory = $mem
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
channel = [ "name=placeholder,connection=socket,path=$W/placeholder.sock", "name=stage1-xen-ctl,connection=socket,path=$W/ctl.sock" ]
p9 = [ "tag=app0,security_model=none,path=$W/rootfs" ]
CFG
        rm -f "$W/ctl.sock" "$W/placeholder.sock"
        t0=$(now)
        if ! xl create -q "$cfg" >"$W/$name.create" 2>&1; then
          echo "$name create=FAILED $(tail -n1 "$W/$name.create")" | tee -a "$OUT"
          continue
        fi
        t1=$(now)
        if [ "${APP:-1}" = 1 ]; then
          set -- --share app0 /s1x/app0 --app hello /s1x/app0 /bin/echo hi
        else
          set --
        fi
        timeout 150 "$W/ctl-client" "$W/ctl.sock" "$t0" "$@" >"$W/$name.events" 2>&1
        n=0
        while xl domid "$name" >/dev/null 2>&1 && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
        xl destroy "$name" >/dev/null 2>&1
        t2=$(now)
        ev="$W/$name.events"
        mem_line=$(sed -n 's/.* HELLO .*\(mem_total_kb=[0-9]* mem_available_kb=[0-9]*\).*/\1/p' "$ev" | head -n1)
        up=$(sed -n 's/.* HELLO .*uptime_ms=\([0-9]*\).*/\1/p' "$ev" | head -n1)
        echo "$name create=$(( (t1 - t0) / 1000000 )) hello=$(field HELLO "$ev") out=$(field STDOUT-FIRST "$ev") off=$(field POWEROFF "$ev") gone=$(( (t2 - t0) / 1000000 )) uptime_at_hello=$up exit=$(sed -n 's/^[0-9]* EXITED 1 //p' "$ev") $mem_line" | tee -a "$OUT"
        [ -f "/var/log/xen/console/guest-$name.log" ] && cp "/var/log/xen/console/guest-$name.log" "$D/console-$name.log"
        cp "$ev" "$D/events-$name.txt"
    done
  done
done
i=$((i + 1))
done
