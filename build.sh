#!/usr/bin/env bash
# Builds stage1-xen.aci, the stage1 image for `rkt run --stage1-path=…`. BUILDING.md documents every option.
#
#   ./build.sh [build]   build the ACI (default)
#   ./build.sh test      build it with the unit tests, then run the tests of the packaged executable (every tier
#                        that needs neither QEMU nor Xen; add more with TEST_GROUPS)
#   ./build.sh deps      install the missing build dependencies (as root on Debian/Ubuntu) or name them, then stop
#   ./build.sh clean     remove everything the build wrote
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

OUT=${OUT:-$ROOT/out/stage1-xen.aci}
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
NATIVE=${NATIVE:-auto}
NATIVE_IMAGE_OPTS=${NATIVE_IMAGE_OPTS:-}
JAR=${JAR:-}
KERNEL=${KERNEL:-}
INITRD=${INITRD:-}
GUEST=${GUEST:-auto}
CNI_PLUGIN=${CNI_PLUGIN:-}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
INSTALL_DEPS=${INSTALL_DEPS:-auto}
TEST_GROUPS=${TEST_GROUPS:-native,slow}
MVN=${MVN:-mvn}
MVN_ARGS=${MVN_ARGS:-}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH

START=$(date +%s)

step() {
  local now
  now=$(date +%s)
  printf '==> [%02d:%02d] %s\n' $(((now - START) / 60)) $(((now - START) % 60)) "$*"
}
note() { printf '    %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
# Maven 3.8 prints colour resets even in batch mode; keep logs plain text.
plain() { sed -u 's/\x1b\[[0-9;]*m//g'; }

usage() {
  sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------------------------------------------------------
# Dependencies: checked by what the build runs, named by their Debian/Ubuntu packages.

NATIVE_IMAGE=""
find_native_image() {
  NATIVE_IMAGE=""
  [ "$NATIVE" = no ] && return 0
  if command -v native-image >/dev/null 2>&1; then
    NATIVE_IMAGE=$(command -v native-image)
  elif [ -n "${GRAALVM_HOME:-}" ] && [ -x "$GRAALVM_HOME/bin/native-image" ]; then
    NATIVE_IMAGE=$GRAALVM_HOME/bin/native-image
  fi
  if [ -z "$NATIVE_IMAGE" ] && [ "$NATIVE" = yes ]; then
    die "NATIVE=yes but no native-image on PATH or at \$GRAALVM_HOME/bin/native-image"
  fi
}

guest_script() {
  [ -x "$ROOT/stage1/guest/build-guest.sh" ] && [ "$GUEST" != no ] && [ -z "$KERNEL$INITRD" ]
}

jdk_ok() {
  command -v javac >/dev/null 2>&1 && command -v jlink >/dev/null 2>&1 && command -v jdeps >/dev/null 2>&1 || return 1
  local v
  v=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
  [ -n "$v" ] && [ "$v" -ge 17 ]
}

have_header() { [ -f "/usr/include/$1" ] || [ -f "/usr/include/x86_64-linux-gnu/$1" ]; }

busybox_static_ok() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'
  else
    command -v busybox >/dev/null 2>&1
  fi
}

# wants_group TAG: `./build.sh test` runs the JUnit tag TAG
wants_group() {
  [ "$COMMAND" = test ] && case ",$TEST_GROUPS," in *",$1,"*) true ;; *) false ;; esac
}

missing_packages() {
  local missing=()
  jdk_ok || missing+=(openjdk-17-jdk-headless)
  [ -n "$JAR" ] || command -v "$MVN" >/dev/null 2>&1 || missing+=(maven)
  command -v gzip >/dev/null 2>&1 || missing+=(gzip)
  if [ -n "$NATIVE_IMAGE" ]; then
    # native-image compiles and links C: gcc, glibc headers, zlib
    command -v gcc >/dev/null 2>&1 || missing+=(gcc)
    have_header stdio.h || missing+=(libc6-dev)
    have_header zlib.h || missing+=(zlib1g-dev)
  fi
  if guest_script; then
    # what stage1/guest/build-guest.sh builds the initrd with (it fetches the kernel packages itself)
    command -v gcc >/dev/null 2>&1 || missing+=(gcc)
    have_header stdio.h || missing+=(libc6-dev)
    busybox_static_ok || missing+=(busybox-static)
    command -v cpio >/dev/null 2>&1 || missing+=(cpio)
    command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
    if [ "${GUEST_KERNEL:-source}" = source ]; then
      # the guest kernel compiled from Debian's kernel source (make, Kconfig's parser, objtool, timeconst, our patches)
      command -v make >/dev/null 2>&1 || missing+=(make)
      command -v bc >/dev/null 2>&1 || missing+=(bc)
      command -v bison >/dev/null 2>&1 || missing+=(bison)
      command -v flex >/dev/null 2>&1 || missing+=(flex)
      command -v patch >/dev/null 2>&1 || missing+=(patch)
      have_header libelf.h || missing+=(libelf-dev)
    fi
  fi
  if wants_group native && [ -n "$NATIVE_IMAGE" ]; then
    # the packaged tier traces how the native executable starts its children (vfork, never a full fork)
    command -v strace >/dev/null 2>&1 || missing+=(strace)
  fi
  if wants_group qemu; then
    # the guest tier boots the built kernel and initrd under QEMU, with app roots from busybox-static
    command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
    busybox_static_ok || missing+=(busybox-static)
  fi
  printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}

ensure_deps() {
  step "checking build dependencies"
  local missing
  missing=$(missing_packages)
  if [ -z "$missing" ]; then
    note "all present"
    return 0
  fi
  if [ "$INSTALL_DEPS" != no ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    note "installing: $missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null; } \
      || die "apt-get could not install: $missing"
    missing=$(missing_packages)
    [ -z "$missing" ] || die "still missing after apt-get install: $missing"
  else
    die "missing build dependencies; install the Debian/Ubuntu packages: $missing"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Steps

build_jar() {
  local with_tests=$1
  if [ -n "$JAR" ]; then
    step "using the prebuilt jar $JAR"
    [ -f "$JAR" ] || die "JAR=$JAR does not exist"
    JAR=$(readlink -f "$JAR")
    return 0
  fi
  if [ "$with_tests" = yes ]; then
    step "building the jar and running the unit tests (mvn package)"
    # shellcheck disable=SC2086
    "$MVN" -B -q -Dstyle.color=never $MVN_ARGS package 2>&1 | plain || die "mvn package failed (unit tests or build)"
  else
    step "building the jar (mvn package, tests skipped)"
    # shellcheck disable=SC2086
    "$MVN" -B -q -Dstyle.color=never -DskipTests $MVN_ARGS package 2>&1 | plain || die "mvn package failed"
  fi
  JAR=$ROOT/target/stage1-xen-all.jar
  [ -f "$JAR" ] || die "mvn package did not produce $JAR"
}

# java from the JDK the build uses (PATH or JAVA_HOME), for the build-time `aci` tools.
java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

tool() { "$(java_bin)" -cp "$JAR" io.stage1xen.Main "$@"; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# The executable(s) for rootfs/stage1-xen/: sets EXE_KIND and fills $BUILD_DIR/exe/stage1-xen/.
# A GraalVM distribution links the JDK's socket natives from lib/static/; a builder without them (such as one
# assembled from the Maven Central jars) gets stage1/native/extnet.c, no-op answers for options we never use.
extnet_shim() {
  local home jdk
  home=$(dirname "$(dirname "$(readlink -f "$NATIVE_IMAGE")")")
  if ls "$home"/lib/static/linux-amd64/*/libextnet.a >/dev/null 2>&1; then
    return 0
  fi
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  mkdir -p "$BUILD_DIR/shim"
  gcc -O2 -fPIC -I"$jdk/include" -I"$jdk/include/linux" -c "$ROOT/stage1/native/extnet.c" \
    -o "$BUILD_DIR/shim/extnet.o" || die "cannot compile stage1/native/extnet.c (gcc, a JDK's include/)"
  echo "-H:NativeLinkerOption=$BUILD_DIR/shim/extnet.o"
}

build_native() {
  local dir=$BUILD_DIR/native key opts
  opts="--no-fallback -march=compatibility --parallelism=$JOBS $(extnet_shim) $NATIVE_IMAGE_OPTS"
  key="$(sha "$JAR") $("$NATIVE_IMAGE" --version 2>/dev/null | sed -n 1p) $opts"
  if [ -f "$dir/key" ] && [ "$(cat "$dir/key")" = "$key" ] && [ -x "$dir/out/stage1-xen" ]; then
    step "native executable: up to date ($NATIVE_IMAGE)"
  else
    step "native executable (native-image, takes minutes): $NATIVE_IMAGE"
    rm -rf "$dir"
    mkdir -p "$dir/out"
    local t0 rc=0
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$NATIVE_IMAGE" $opts -jar "$JAR" -o "$dir/out/stage1-xen" > "$dir/native-image.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ] || [ ! -x "$dir/out/stage1-xen" ]; then
      tail -40 "$dir/native-image.log" >&2
      die "native-image failed (exit $rc); full log: $dir/native-image.log"
    fi
    note "built in $(($(date +%s) - t0)) s, $(du -h "$dir/out/stage1-xen" | cut -f1); log: $dir/native-image.log"
    echo "$key" > "$dir/key"
  fi
  mkdir -p "$BUILD_DIR/exe/stage1-xen/bin"
  # ship what native-image put beside the executable (e.g. lib/ with the JDK libraries it links), not its reports
  (cd "$dir/out" && find . -mindepth 1 -maxdepth 1 ! -name '*.txt' ! -name '*.json' ! -name reports \
    -exec cp -a {} "$BUILD_DIR/exe/stage1-xen/bin/" \;)
  EXE_KIND=native
}

# Service types the bundled libraries load with ServiceLoader; a named module must declare them (`uses`).
JVM_MODULE_USES=(
  org.slf4j.spi.SLF4JServiceProvider
  com.fasterxml.jackson.databind.Module
  com.fasterxml.jackson.core.ObjectCodec
  org.apache.commons.compress.archivers.ArchiveStreamProvider
  org.apache.commons.compress.compressors.CompressorStreamProvider
)

build_jvm() {
  local dir=$BUILD_DIR/jvm key jv
  jv=$(java -version 2>&1 | sed -n 1p)
  key="$(sha "$JAR") $jv ${JVM_MODULE_USES[*]} $(sha "$ROOT/stage1/jvm/stage1-xen.sh")"
  if [ -f "$dir/key" ] && [ "$(cat "$dir/key")" = "$key" ] && [ -x "$dir/runtime/bin/java" ]; then
    step "JVM runtime: up to date"
  else
    step "JVM runtime (jlink + class-data archive) from $jv"
    rm -rf "$dir"
    mkdir -p "$dir/classes"
    # The program becomes a module of the runtime image: its classes then come from the image, and the class-data
    # archive (dumped to the runtime's default location) stays valid wherever rkt unpacks the ACI. An archive of a
    # class-path jar would be tied to the jar's absolute path, which differs for every pod.
    local modules svc iface
    # jdk.unsupported (sun.misc.Signal) is always needed; jdeps lists it too once the code uses it directly
    modules=$( (jdeps --multi-release 17 --ignore-missing-deps --print-module-deps "$JAR" | tr ',' '\n';
      echo jdk.unsupported) | sort -u | paste -sd,)
    cp "$JAR" "$dir/stage1xen.jar"
    mkdir -p "$dir/services"
    (cd "$dir/services" && jar xf "$JAR" META-INF/services)
    {
      printf 'module stage1xen {\n'
      echo "$modules" | tr ',' '\n' | grep -v '^java.base$' | sed 's/.*/    requires &;/'
      for svc in "$dir"/services/META-INF/services/*; do
        [ -f "$svc" ] || continue
        iface=${svc##*/}
        printf '    provides %s with %s;\n' "$iface" \
          "$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$svc" | grep -v '^$' | paste -sd, | sed 's/,/, /g')"
      done
      printf '    uses %s;\n' "${JVM_MODULE_USES[@]}"
      printf '}\n'
    } > "$dir/module-info.java"
    javac --release 17 -nowarn -d "$dir/classes" --patch-module "stage1xen=$dir/stage1xen.jar" "$dir/module-info.java" \
      > "$dir/javac.log" 2>&1 || { cat "$dir/javac.log" >&2; die "compiling module-info failed"; }
    jar --update --file "$dir/stage1xen.jar" --main-class io.stage1xen.Main -C "$dir/classes" module-info.class
    note "modules: $modules + stage1xen"
    jlink --module-path "$dir/stage1xen.jar" --add-modules "stage1xen,$modules" \
      --strip-debug --no-header-files --no-man-pages --output "$dir/runtime" > "$dir/jlink.log" 2>&1 \
      || { cat "$dir/jlink.log" >&2; die "jlink failed"; }
    # Training runs record the classes start-up loads; the archive holds them, pre-parsed.
    local java=$dir/runtime/bin/java n=0 args
    for args in "--version" "--help" "run --help" "gc --no-such-option" "aci verify --help"; do
      n=$((n + 1))
      # shellcheck disable=SC2086
      "$java" -Xshare:off -XX:+UseSerialGC -XX:DumpLoadedClassList="$dir/classes-$n.lst" \
        -m stage1xen/io.stage1xen.Main $args > /dev/null 2>&1 || true
    done
    cat "$dir"/classes-*.lst | grep -v '^#' | sort -u > "$dir/classes.lst"
    "$java" -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile="$dir/classes.lst" \
      -m stage1xen/io.stage1xen.Main > "$dir/cds.log" 2>&1 || { tail -20 "$dir/cds.log" >&2; die "class-data dump failed"; }
    [ -f "$dir/runtime/lib/server/classes.jsa" ] || die "no class-data archive in $dir/runtime/lib/server"
    note "$(wc -l < "$dir/classes.lst") classes archived; runtime $(du -sh "$dir/runtime" | cut -f1)"
    echo "$key" > "$dir/key"
  fi
  mkdir -p "$BUILD_DIR/exe/stage1-xen/bin" "$BUILD_DIR/exe/stage1-xen/jvm"
  cp -a "$dir/runtime" "$BUILD_DIR/exe/stage1-xen/jvm/runtime"
  install -m 0755 "$ROOT/stage1/jvm/stage1-xen.sh" "$BUILD_DIR/exe/stage1-xen/bin/stage1-xen"
  EXE_KIND=jvm
}

# The CNI host-local IPAM plugin the image bundles (docs/NETWORKING.md): from Debian's containernetworking-plugins,
# fetched with apt-get download like the guest kernel, or CNI_PLUGIN. Sets CNI_FILLED=yes and fills
# $BUILD_DIR/cni-out/host-local. An image without a guest (GUEST=no) cannot boot pods and gets none.
CNI_PACKAGE=containernetworking-plugins
bundle_cni() {
  CNI_FILLED=no
  rm -rf "$BUILD_DIR/cni-out"
  if [ -n "$CNI_PLUGIN" ]; then
    [ -x "$CNI_PLUGIN" ] || die "CNI_PLUGIN=$CNI_PLUGIN is not an executable file"
    step "CNI host-local plugin: given ($CNI_PLUGIN)"
    mkdir -p "$BUILD_DIR/cni-out"
    cp "$CNI_PLUGIN" "$BUILD_DIR/cni-out/host-local"
  elif [ "$GUEST_FILLED" = no ]; then
    step "CNI host-local plugin: skipped (no guest in this image)"
    return 0
  else
    local cache=${S1X_CNI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stage1-xen/cni} ver deb
    command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 \
      || die "apt-get and dpkg-deb are needed to fetch $CNI_PACKAGE (or give CNI_PLUGIN=/path/to/host-local)"
    ver=$(apt-cache show --no-all-versions "$CNI_PACKAGE" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
    [ -n "$ver" ] || die "Debian package $CNI_PACKAGE unknown to apt (run 'apt-get update' first, or give CNI_PLUGIN)"
    step "CNI host-local plugin ($CNI_PACKAGE $ver)"
    mkdir -p "$cache"
    deb="$cache/${CNI_PACKAGE}_${ver//:/%3a}_amd64.deb"
    if [ ! -s "$deb" ]; then
      (cd "$cache" && apt-get download "$CNI_PACKAGE=$ver" >/dev/null 2>"$cache/apt.err") \
        || die "cannot download $CNI_PACKAGE=$ver: $(tail -n1 "$cache/apt.err")"
    fi
    [ -s "$deb" ] || die "apt-get download $CNI_PACKAGE=$ver did not produce $deb"
    rm -rf "$cache/x.tmp"
    dpkg-deb -x "$deb" "$cache/x.tmp" || die "cannot unpack $deb"
    [ -x "$cache/x.tmp/usr/lib/cni/host-local" ] || die "$deb has no usr/lib/cni/host-local"
    mkdir -p "$BUILD_DIR/cni-out"
    cp "$cache/x.tmp/usr/lib/cni/host-local" "$BUILD_DIR/cni-out/host-local"
    echo "$CNI_PACKAGE $ver" >"$BUILD_DIR/cni-out/VERSION"
    rm -rf "$cache/x.tmp"
  fi
  chmod 0755 "$BUILD_DIR/cni-out/host-local"
  CNI_FILLED=yes
}

# Guest kernel and initrd: sets GUEST_FILLED=yes and fills $BUILD_DIR/guest-out/ when there are any.
build_guest() {
  GUEST_FILLED=no
  rm -rf "$BUILD_DIR/guest-out"
  if [ -n "$KERNEL$INITRD" ]; then
    if [ -z "$KERNEL" ] || [ -z "$INITRD" ]; then die "give both KERNEL and INITRD, or neither"; fi
    [ -f "$KERNEL" ] || die "KERNEL=$KERNEL does not exist"
    [ -f "$INITRD" ] || die "INITRD=$INITRD does not exist"
    step "guest kernel and initrd: given ($KERNEL, $INITRD)"
    mkdir -p "$BUILD_DIR/guest-out"
    cp "$KERNEL" "$BUILD_DIR/guest-out/kernel"
    cp "$INITRD" "$BUILD_DIR/guest-out/initrd"
  elif [ "$GUEST" = no ]; then
    step "guest kernel and initrd: skipped (GUEST=no); the image cannot boot pods"
    return 0
  elif [ -x "$ROOT/stage1/guest/build-guest.sh" ]; then
    step "guest kernel (${GUEST_KERNEL:-source}) and initrd (stage1/guest/build-guest.sh)"
    mkdir -p "$BUILD_DIR/guest"
    JOBS=$JOBS "$ROOT/stage1/guest/build-guest.sh" "$BUILD_DIR/guest" || die "stage1/guest/build-guest.sh failed"
    if [ ! -f "$BUILD_DIR/guest/kernel" ] || [ ! -f "$BUILD_DIR/guest/initrd" ]; then
      die "stage1/guest/build-guest.sh did not produce $BUILD_DIR/guest/kernel and initrd"
    fi
    mkdir -p "$BUILD_DIR/guest-out"
    cp "$BUILD_DIR/guest/kernel" "$BUILD_DIR/guest/initrd" "$BUILD_DIR/guest-out/"
  else
    step "guest kernel and initrd: slot empty (no stage1/guest/build-guest.sh yet); the image cannot boot pods"
    return 0
  fi
  chmod 0644 "$BUILD_DIR/guest-out/kernel" "$BUILD_DIR/guest-out/initrd"
  GUEST_FILLED=yes
}

assemble_and_pack() {
  local rootfs=$BUILD_DIR/rootfs version
  step "assembling the rootfs ($EXE_KIND executable, guest slot ${GUEST_FILLED/no/empty})"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/rkt/status" "$rootfs/opt/stage2"
  cp -a "$BUILD_DIR/exe/stage1-xen" "$rootfs/stage1-xen"
  if [ "$GUEST_FILLED" = yes ]; then
    mkdir -p "$rootfs/stage1-xen/guest"
    cp "$BUILD_DIR/guest-out/kernel" "$BUILD_DIR/guest-out/initrd" "$rootfs/stage1-xen/guest/"
  fi
  mkdir -p "$rootfs/stage1-xen/libexec"
  cp "$ROOT/stage1/net/vif-hotplug" "$rootfs/stage1-xen/libexec/vif-hotplug"
  chmod 0755 "$rootfs/stage1-xen/libexec/vif-hotplug"
  if [ "$CNI_FILLED" = yes ]; then
    mkdir -p "$rootfs/stage1-xen/cni"
    cp "$BUILD_DIR/cni-out/host-local" "$rootfs/stage1-xen/cni/host-local"
  fi
  local links report
  links=$(tool aci link-entrypoints --manifest "$ROOT/aci-manifest.json" --rootfs "$rootfs" \
    --executable stage1-xen/bin/stage1-xen)
  note "entrypoints: $links"

  # The packaged executable must start before it is shipped (a missing library or metadata shows up here).
  version=$(tool --version)
  local got
  got=$("$rootfs/run" --version 2>&1) || die "the packaged executable failed to start: $got"
  [ "$got" = "$version" ] || die "the packaged executable printed '$got' for --version, expected '$version'"
  note "packaged executable runs: $got"

  # Only a verified image ever appears under $OUT; an older one is removed first so that nothing stale is tested.
  local unverified="$OUT.unverified"
  rm -f "$OUT" "$unverified"
  step "packing $OUT"
  tool aci pack --manifest "$ROOT/aci-manifest.json" --rootfs "$rootfs" --out "$unverified" --mtime "$SOURCE_DATE_EPOCH"

  step "verifying $OUT"
  local required=(--require stage1-xen/bin/stage1-xen --require stage1-xen/libexec/vif-hotplug)
  if [ "$CNI_FILLED" = yes ]; then
    required+=(--require stage1-xen/cni/host-local)
  fi
  if [ "$GUEST_FILLED" = yes ]; then
    required+=(--require stage1-xen/guest/kernel --require stage1-xen/guest/initrd)
  fi
  if ! report=$(tool aci verify "${required[@]}" "$unverified"); then
    rm -f "$unverified"
    die "the image failed verification (see above); nothing was written to $OUT"
  fi
  mv -f "$unverified" "$OUT"
  note "${report//$unverified/$OUT}"
}

do_build() {
  local with_tests=$1
  find_native_image
  ensure_deps
  build_jar "$with_tests"
  rm -rf "$BUILD_DIR/exe"
  if [ -n "$NATIVE_IMAGE" ]; then
    build_native
  else
    step "no native-image on PATH or at \$GRAALVM_HOME/bin/native-image: packing a JVM runtime instead"
    build_jvm
  fi
  build_guest
  bundle_cni
  assemble_and_pack
  step "done: $OUT ($EXE_KIND, $(du -h "$OUT" | cut -f1), sha256 $(sha "$OUT"))"
}

do_test() {
  do_build yes
  step "testing the packaged executable (groups: $TEST_GROUPS)"
  local log=$BUILD_DIR/test.log rc excluded="" g props=()
  # the tiers that need machines of their own (qemu, xen), the real rkt (rkt) or minutes of their own (bench,
  # faults, concurrency, fuzz) run only when TEST_GROUPS names them
  for g in qemu xen rkt bench faults concurrency fuzz; do
    wants_group "$g" || excluded="${excluded:+$excluded,}$g"
  done
  # the guest tiers (qemu, and the guest benchmark in slow) boot the kernel and initrd this build packed
  if [ "$GUEST_FILLED" = yes ]; then
    props+=(-Dstage1xen.guest.dir="$BUILD_DIR/guest-out")
  fi
  # the rkt tier holds the stage0 stand-in against this rkt (without one, that tier fails saying so)
  if wants_group rkt; then
    local rkt=${RKT:-$(command -v rkt || true)}
    if [ -n "$rkt" ]; then
      case $rkt in /*) ;; *) rkt=$PWD/$rkt ;; esac
      note "rkt tier: $rkt"
      props+=(-Dstage1xen.rkt="$rkt")
    fi
  fi
  # shown: the summary lines, and the first line of each failed assertion (a tier that cannot run says why there)
  local shown='^\[(INFO|ERROR)\] (Tests run|Running |BUILD)|<<< (FAIL|ERR)|^org\.opentest4j\.AssertionFailedError: .'
  set +e
  # shellcheck disable=SC2086
  "$MVN" -B -Dstyle.color=never $MVN_ARGS test -DexcludedTestGroups="$excluded" -Dgroups="$TEST_GROUPS" \
    -Dstage1xen.aci="$OUT" -Dstage1xen.jar="$JAR" ${props[@]+"${props[@]}"} 2>&1 \
    | tee "$log" | grep --line-buffered -E "$shown"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || die "tests failed (log: $log, reports: target/surefire-reports/)"
  step "all tests passed"
}

do_clean() {
  step "removing target/, $BUILD_DIR and $OUT"
  rm -rf "$ROOT/target" "$BUILD_DIR"
  rm -f "$OUT"
  [ "$(dirname "$OUT")" != "$ROOT/out" ] || rmdir "$ROOT/out" 2>/dev/null || true
}

COMMAND=${1:-build}
case "$COMMAND" in
  build) do_build no ;;
  test) do_test ;;
  deps) find_native_image; ensure_deps ;;
  clean) do_clean ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
