#!/usr/bin/env bash
# Builds a small app root filesystem from busybox-static, for guest tests under QEMU and on a Xen host.
# Needs only bash and coreutils (it also runs in a Xen dom0 that has no Java).
#
#   make-rootfs.sh DIR [--busybox PATH] [--no-etc] [--file SRC:DEST[:MODE]]...
#
#   --busybox PATH   the static busybox to use (default: $BUSYBOX, else /bin/busybox from busybox-static)
#   --no-etc         no /etc/passwd or /etc/group (numeric users only)
#   --file S:D[:M]   copy host file S to DIR/D (mode M, default 0755)
#
# Users (name uid gid): root 0 0, alice 1000 1000, bob 1001 100. Groups: root 0, tty 5, wheel 10, users 100,
# alice 1000, staff 2000 (members alice,bob).
set -euo pipefail

prog=make-rootfs.sh
die() { echo "$prog: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || die "usage: $prog DIR [--busybox PATH] [--no-etc] [--file SRC:DEST[:MODE]]..."
DIR=$1
shift
BB=${BUSYBOX:-/bin/busybox}
ETC=1
FILES=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --busybox) BB=$2; shift 2 ;;
    --no-etc) ETC=0; shift ;;
    --file) FILES+=("$2"); shift 2 ;;
    *) die "unknown option '$1'" ;;
  esac
done
[[ -x $BB ]] || die "busybox not found at $BB: install the Debian package busybox-static or pass --busybox"
# a dynamically linked busybox would need the host's libraries inside the rootfs
if head -c 4096 "$BB" | grep -aq 'ld-linux'; then die "$BB is not statically linked (use busybox-static)"; fi

mkdir -p "$DIR"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home/alice,home/bob,srv/work}
chmod 1777 "$DIR/tmp"
cp "$BB" "$DIR/bin/busybox"
chmod 0755 "$DIR/bin/busybox"
for applet in $("$BB" --list); do
  [[ $applet == busybox ]] && continue
  [[ -e $DIR/bin/$applet ]] || ln -s busybox "$DIR/bin/$applet"
done
if [[ $ETC == 1 ]]; then
  cat >"$DIR/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:100:Bob:/home/bob:/bin/ash
EOF
  cat >"$DIR/etc/group" <<'EOF'
root:x:0:
tty:x:5:
wheel:x:10:alice
users:x:100:bob
alice:x:1000:
staff:x:2000:alice,bob
EOF
fi
chown 1000:1000 "$DIR/home/alice" 2>/dev/null || true
chown 1001:100 "$DIR/home/bob" 2>/dev/null || true
for spec in "${FILES[@]}"; do
  IFS=: read -r src dst mode <<<"$spec"
  [[ -f $src ]] || die "--file $spec: no such file $src"
  mkdir -p "$DIR/$(dirname "$dst")"
  cp "$src" "$DIR/$dst"
  chmod "${mode:-0755}" "$DIR/$dst"
done
