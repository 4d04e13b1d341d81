#!/bin/sh
# Runs in a Xen dom0: how long libxl/libxc take to build a domain from each kernel format, without booting it
# (`xl create -p` leaves the domain paused; no device model, no 9p, no channel), so that only loading the kernel
# and initrd is measured. Interleaved rounds; one line per create, in ms.
#
#   measure-load.sh DIR       (DIR holds kernel.<format> and initrd; RUNS=5, TYPES="pv pvh", FORMATS=...)
set -u
D=$(cd "${1:?usage: measure-load.sh DIR}" && pwd)
W=/tmp/s1x-load
rm -rf "$W"
mkdir -p "$W"
cp "$D"/kernel.* "$D/initrd" "$W/"
i=1
while [ "$i" -le "${RUNS:-5}" ]; do
  for type in ${TYPES:-pv pvh}; do
    for fmt in ${FORMATS:-bzimage elf gzelf}; do
      name="l-$type-$fmt-$i"
      printf 'name="%s"\ntype="%s"\nkernel="%s"\nramdisk="%s"\nmemory=256\nvcpus=1\n' \
        "$name" "$type" "$W/kernel.$fmt" "$W/initrd" >"$W/$name.cfg"
      t0=$(date +%s%N)
      if xl create -p -q "$W/$name.cfg" >"$W/$name.log" 2>&1; then
        t1=$(date +%s%N)
        echo "$name load=$(( (t1 - t0) / 1000000 ))"
      else
        echo "$name load=FAILED $(grep -v '^$' "$W/$name.log" | head -n2 | tr '\n' ' ')"
      fi
      xl destroy "$name" >/dev/null 2>&1
    done
  done
  i=$((i + 1))
done
