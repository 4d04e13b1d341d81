#!/usr/bin/env bash
# Builds the pod VM's guest: OUTDIR/kernel and OUTDIR/initrd (see docs/GUEST.md, "Building").
#
#   build-guest.sh OUTDIR
#
# Environment:
#   GUEST_KERNEL=source   source (default): built from Debian's kernel source package with kernel.config, every driver
#                         built in, no modules; debian: Debian's prebuilt kernel image and 13 of its modules
#   LINUX_SOURCE_PACKAGE  Debian kernel source package for GUEST_KERNEL=source (default linux-source-6.1)
#   JOBS=N                parallel compile jobs for the kernel (default: the number of CPUs)
#   KERNEL=/path          use this kernel as is instead (MODULES names its module tree when it needs modules)
#   MODULES=/path         its module tree, i.e. .../lib/modules/<version>
#   KERNEL_FORMAT=elf     how the kernel is shipped: elf (default, fastest `xl create`), gzip-elf; bzimage (Debian's
#                         kernel only)
#   LINUX_PACKAGE=name    Debian kernel image package for GUEST_KERNEL=debian (default: what linux-image-amd64
#                         depends on)
#   S1X_GUEST_CACHE=dir   download/extract cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/stage1-xen/guest)
#   SOURCE_DATE_EPOCH     timestamp of every file in the initrd (default 1577836800, 2020-01-01)
set -euo pipefail
shopt -s nullglob

prog=build-guest.sh
# die exits 3 so that the ERR trap stays quiet when a die inside $(...) already said what went wrong
die() { echo "$prog: $*" >&2; exit 3; }
trap 'rc=$?; [[ $rc -eq 3 ]] || echo "$prog: failed at line $LINENO: $BASH_COMMAND" >&2; exit $rc' ERR

[[ $# -eq 1 ]] || die "usage: $prog OUTDIR"
OUT=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${S1X_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stage1-xen/guest}
FORMAT=${KERNEL_FORMAT:-elf}
GUEST_KERNEL=${GUEST_KERNEL:-source}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1577836800}

# tool -> Debian package that provides it
need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package $2"
}
need gcc gcc
need cpio cpio
need gzip gzip
need objcopy binutils
need dpkg-deb dpkg
need apt-get apt
need apt-cache apt
[[ -e /usr/lib/x86_64-linux-gnu/libc.a || -e /usr/lib/libc.a ]] \
  || die "static C library missing: install the Debian package libc6-dev"

case $FORMAT in elf | gzip-elf | bzimage) ;; *) die "KERNEL_FORMAT='$FORMAT': expected elf, gzip-elf or bzimage" ;; esac
case $GUEST_KERNEL in source | debian) ;; *) die "GUEST_KERNEL='$GUEST_KERNEL': expected source or debian" ;; esac
if [[ -z ${KERNEL:-} && $GUEST_KERNEL == source ]]; then
  [[ $FORMAT != bzimage ]] || die "KERNEL_FORMAT=bzimage: only with GUEST_KERNEL=debian (the built kernel ships as an ELF)"
  need make make
  need bc bc
  need bison bison
  need flex flex
  need patch patch
  need xz xz-utils
  [[ -e /usr/include/libelf.h || -e /usr/include/x86_64-linux-gnu/libelf.h ]] \
    || die "libelf headers missing (the kernel's objtool needs them): install the Debian package libelf-dev"
fi

mkdir -p "$CACHE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/s1x-guest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The version apt would install of a Debian package.
deb_version() {
  local ver
  ver=$(apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
  [[ -n $ver ]] || die "Debian package $1 unknown to apt (run 'apt-get update' first)"
  echo "$ver"
}

# Downloads a Debian package once into the cache; prints the .deb's path.
download_deb() {
  local pkg=$1 ver arch file
  ver=$(deb_version "$pkg")
  arch=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n1)
  file="$CACHE/${pkg}_${ver//:/%3a}_${arch:-amd64}.deb"
  if [[ ! -s $file ]]; then
    (cd "$CACHE" && apt-get download "$pkg=$ver" >/dev/null 2>"$WORK/apt.err") \
      || die "cannot download Debian package $pkg=$ver: $(tail -n1 "$WORK/apt.err")"
  fi
  [[ -s $file ]] || die "apt-get download $pkg=$ver did not produce $file"
  echo "$file"
}

# Downloads (once) and unpacks (once) a Debian package; prints the unpacked directory.
fetch_deb() {
  local pkg=$1 ver file dir
  ver=$(deb_version "$pkg")
  file=$(download_deb "$pkg")
  dir="$CACHE/x-${pkg}_${ver//:/%3a}"
  if [[ ! -d $dir ]]; then
    rm -rf "$dir.tmp"
    dpkg-deb -x "$file" "$dir.tmp" || die "cannot unpack $file"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# Extracts the vmlinux ELF from a bzImage, using the boot protocol header (setup_sects at 0x1f1,
# payload_offset/payload_length at 0x248/0x24c), whatever the payload's compression.
extract_elf() {
  local bz=$1 out=$2 setup off len magic p=$WORK/payload
  setup=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
  read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
  off=$(( (setup + 1) * 512 + off ))
  tail -c +$((off + 1)) "$bz" >"$p"
  magic=$(od -An -tx1 -N6 "$p" | tr -d ' \n')
  case $magic in
    # payload_length stops short of the xz index; --single-stream reads exactly one stream and ignores the rest
    fd377a585a00*) need xz xz-utils; xz -dc --single-stream <"$p" >"$out" ;;
    1f8b*) head -c "$len" "$p" | gzip -dc >"$out" ;;
    28b52ffd*) need zstd zstd; head -c "$len" "$p" | zstd -dcq >"$out" ;;
    425a68*) need bzip2 bzip2; head -c "$len" "$p" | bzip2 -dc >"$out" ;;
    5d0000*) need xz xz-utils; head -c "$len" "$p" | xz -dc --format=lzma >"$out" ;;
    *) die "$bz: unknown kernel payload compression (magic $magic)" ;;
  esac
  rm -f "$p"
  [[ $(od -An -tx1 -N4 "$out" | tr -d ' \n') == 7f454c46 ]] || die "$bz: payload is not an ELF image"
}

# Builds the kernel from Debian's source package with kernel.config (once per cache key); prints the directory
# that holds the stripped vmlinux ELF and its .config. The key covers everything that decides the kernel's bytes:
# the source package's version, the fragment, the base configuration, this recipe, the compiler and the linker.
KBASE=allnoconfig
KRECIPE=2
source_kernel() {
  local pkg=${LINUX_SOURCE_PACKAGE:-linux-source-6.1} ver deb key dir src obj tarball line opt want got t0
  ver=$(deb_version "$pkg")
  key=$( { echo "$pkg $ver $KBASE recipe $KRECIPE"; cat "$HERE/kernel.config" "$HERE"/kernel-patches/*.patch
           gcc --version | head -n1; ld --version | head -n1; } | sha256sum | cut -c1-16)
  dir="$CACHE/kernel-$key"
  if [[ -s $dir/vmlinux ]]; then
    echo "$prog: kernel $pkg $ver from the cache ($dir)" >&2
    echo "$dir"
    return 0
  fi
  t0=$(date +%s)
  deb=$(download_deb "$pkg")
  src=$WORK/linux
  obj=$WORK/linux-obj
  mkdir -p "$src" "$obj"
  tarball=./usr/src/$pkg.tar.xz
  echo "$prog: unpacking $pkg $ver" >&2
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "$tarball" | xz -dc -T0 | tar -x -C "$src" --strip-components=1 \
    || die "cannot unpack the kernel source ${tarball#./} from $deb"
  # the project's own patches, in name order (kernel-patches/, each says why); one that does not apply stops the
  # build, naming it: a new source version must be checked against them
  local p
  for p in "$HERE"/kernel-patches/*.patch; do
    patch -s -p1 -d "$src" --no-backup-if-mismatch <"$p" >"$WORK/patch.log" 2>&1 \
      || die "kernel patch $(basename "$p") does not apply to $pkg $ver: $(head -n1 "$WORK/patch.log")"
  done
  # the build is tied to this fragment only: no user, host or time of the build machine in the image
  local kmake=(make -s -C "$src" O="$obj" ARCH=x86_64 KBUILD_BUILD_USER=stage1-xen KBUILD_BUILD_HOST=stage1-xen
    KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_VERSION=1)
  "${kmake[@]}" KCONFIG_ALLCONFIG="$HERE/kernel.config" "$KBASE" >"$WORK/kconfig.log" 2>&1 \
    || die "kernel configuration failed: $(tail -n1 "$WORK/kconfig.log")"
  # every option of the fragment must be in the final .config as written: Kconfig silently drops an option whose
  # dependencies are not met
  while IFS= read -r line; do
    if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
      opt=CONFIG_${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
    elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
      opt=${BASH_REMATCH[1]} want=n
    else
      continue
    fi
    got=$(sed -n "s/^$opt=//p" "$obj/.config")
    [[ -n $got ]] || got=n
    [[ $got == "$want" ]] || die "kernel.config: $opt=$want was not applied (the final .config has $opt=$got; a dependency is missing)"
  done <"$HERE/kernel.config"
  echo "$prog: compiling the kernel ($JOBS jobs)" >&2
  "${kmake[@]}" -j"$JOBS" vmlinux >"$WORK/kbuild.log" 2>&1 \
    || die "kernel build failed: $(grep -m1 -i 'error' "$WORK/kbuild.log" || tail -n1 "$WORK/kbuild.log")"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  # what the bzImage's payload is: the ELF without symbols and .comment
  objcopy -R .comment -S "$obj/vmlinux" "$dir.tmp/vmlinux"
  cp "$obj/.config" "$dir.tmp/config"
  echo "$pkg $ver" >"$dir.tmp/VERSION"
  rm -rf "$dir" "$src" "$obj"
  mv "$dir.tmp" "$dir"
  echo "$prog: kernel $pkg $ver built in $(($(date +%s) - t0)) s ($dir)" >&2
  echo "$dir"
}

# ---- kernel and module tree (MODDIR empty: no modules) ----
MODDIR=
if [[ -n ${KERNEL:-} ]]; then
  [[ -f $KERNEL ]] || die "KERNEL=$KERNEL: no such file"
  [[ -z ${MODULES:-} || -d ${MODULES:-} ]] || die "MODULES=$MODULES: no such directory"
  cp "$KERNEL" "$WORK/kernel"
  MODDIR=${MODULES:-}
elif [[ $GUEST_KERNEL == source ]]; then
  kbuilt=$(source_kernel)
  case $FORMAT in
    elf) cp "$kbuilt/vmlinux" "$WORK/kernel" ;;
    gzip-elf) gzip -n -9 <"$kbuilt/vmlinux" >"$WORK/kernel" ;;
  esac
else
  pkg=${LINUX_PACKAGE:-$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)}
  [[ -n $pkg ]] || die "Debian package linux-image-amd64 unknown to apt (run 'apt-get update' first)"
  kdir=$(fetch_deb "$pkg")
  vmlinuz=("$kdir"/boot/vmlinuz-*)
  [[ ${#vmlinuz[@]} -eq 1 ]] || die "$pkg: expected one /boot/vmlinuz-* in the package"
  moddirs=("$kdir"/lib/modules/*)
  [[ ${#moddirs[@]} -eq 1 ]] || die "$pkg: expected one /lib/modules/<version> in the package"
  MODDIR=${moddirs[0]}
  # the ELF is cached next to the unpacked package: extracting it is most of a warm build's time
  if [[ $FORMAT != bzimage && ! -s $kdir/vmlinux.elf ]]; then
    extract_elf "${vmlinuz[0]}" "$kdir/vmlinux.elf.tmp"
    mv "$kdir/vmlinux.elf.tmp" "$kdir/vmlinux.elf"
  fi
  case $FORMAT in
    bzimage) cp "${vmlinuz[0]}" "$WORK/kernel" ;;
    elf) cp "$kdir/vmlinux.elf" "$WORK/kernel" ;;
    gzip-elf) gzip -n -9 <"$kdir/vmlinux.elf" >"$WORK/kernel" ;;
  esac
fi

# ---- modules: only what the guest needs, with their dependencies, in load order (none for a kernel that has
# every driver built in: the initrd then has no lib/modules, and the init loads nothing) ----
ROOT=$WORK/root
mkdir -p "$ROOT/bin" "$ROOT/sbin"
for d in dev proc sys tmp run; do mkdir -p "$ROOT/$d"; done

if [[ -n $MODDIR ]]; then
  mkdir -p "$ROOT/lib/modules"
  declare -A MODFILE=() BUILTIN=() LOADED=()
  while IFS= read -r -d '' f; do
    b=${f##*/}
    b=${b%%.ko*}
    MODFILE[${b//-/_}]=$f
  done < <(find "$MODDIR" \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) -print0 | sort -z)
  if [[ -f $MODDIR/modules.builtin ]]; then
    while IFS= read -r line; do
      b=${line##*/}
      b=${b%%.ko*}
      BUILTIN[${b//-/_}]=1
    done <"$MODDIR/modules.builtin"
  fi

  # Unpacks a module into the initrd (uncompressed: the init loads it with finit_module, no decompressor needed).
  install_module() {
    local name=$1 src=${MODFILE[$1]} dst="$ROOT/lib/modules/$1.ko"
    [[ -e $dst ]] && return 0
    case $src in
      *.ko.xz) need xz xz-utils; xz -dc "$src" >"$dst" ;;
      *.ko.zst) need zstd zstd; zstd -dcq "$src" >"$dst" ;;
      *.ko.gz) gzip -dc "$src" >"$dst" ;;
      *) cp "$src" "$dst" ;;
    esac
  }

  # Dependencies from the module's own .modinfo "depends=" (what depmod writes into modules.dep; Debian's
  # package ships no modules.dep, its postinst generates it).
  deps_of() {
    local name=$1
    install_module "$name"
    objcopy -O binary --only-section=.modinfo "$ROOT/lib/modules/$name.ko" "$WORK/modinfo" 2>/dev/null \
      || die "cannot read .modinfo of ${MODFILE[$name]}"
    tr '\0' '\n' <"$WORK/modinfo" | sed -n 's/^depends=//p' | tr ',' ' '
  }

  # Depth-first: dependencies before the module itself.
  ORDER=()
  visit() {
    local name=${1//-/_} dep
    [[ -n ${LOADED[$name]:-} ]] && return 0
    if [[ -z ${MODFILE[$name]:-} ]]; then
      [[ -n ${BUILTIN[$name]:-} ]] && { LOADED[$name]=1; return 0; }
      die "kernel module $name is neither in $MODDIR nor built in"
    fi
    LOADED[$name]=1
    for dep in $(deps_of "$name"); do visit "$dep"; done
    ORDER+=("$name")
  }
  write_list() {
    local list=$1 m
    shift
    ORDER=()
    LOADED=()
    for m in "$@"; do visit "$m"; done
    # a list whose modules are all built in is left out: the init loads nothing then
    [[ ${#ORDER[@]} -eq 0 ]] || printf '%s.ko\n' "${ORDER[@]}" >"$ROOT/lib/modules/$list.list"
  }
  write_list xen netfs fscache 9pnet 9pnet_xen 9p xen_netfront
  write_list virtio netfs fscache 9pnet virtio_pci virtio_console 9pnet_virtio 9p virtio_net
fi

# ---- busybox (poweroff for Xen's shutdown requests, and a rescue shell with rdinit=/bin/sh) ----
bbdir=$(fetch_deb busybox-static)
[[ -x $bbdir/bin/busybox ]] || die "busybox-static: no /bin/busybox in the package"
cp "$bbdir/bin/busybox" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"
ln -s ../bin/busybox "$ROOT/sbin/poweroff"

# ---- the init ----
gcc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -s \
  -ffile-prefix-map="$HERE"=. -fno-ident -Wl,--build-id=none \
  -o "$ROOT/init" "$HERE"/*.c || die "compiling the guest init failed"

# ---- reproducible archive: sorted names, fixed times, root-owned, no device numbers, gzip without name/time ----
chmod -R u=rwX,go=rX "$ROOT"
chmod 0755 "$ROOT/init" "$ROOT/bin/busybox"
find "$ROOT" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$ROOT" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort \
  | cpio --quiet -o -H newc --reproducible -R 0:0) | gzip -n -9 >"$WORK/initrd"

mkdir -p "$OUT"
mv "$WORK/kernel" "$OUT/kernel"
mv "$WORK/initrd" "$OUT/initrd"
echo "$prog: $OUT/kernel ($(stat -c %s "$OUT/kernel") bytes, $FORMAT), $OUT/initrd ($(stat -c %s "$OUT/initrd") bytes)" >&2
