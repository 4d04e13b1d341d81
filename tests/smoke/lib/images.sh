# shellcheck shell=bash
# App images for the smoke suites (sourced): ACI files built from tests/images/make-rootfs.sh's busybox root
# filesystem and an image manifest, for `rkt run` to fetch from disk. Needs MKROOTFS and BUSYBOX.

# json_str S: S as a JSON string literal, escaped the way rkt (Go's encoding/json) escapes it, so that a fragment
# built here can be looked for in `rkt cat-manifest`'s output: \" \\ \n \r \t, the other control characters and
# & < > as \u00xx (lower-case hex), everything else (UTF-8 included) as it is
json_str() {
  local s=$1 i c u bs='\' q='"'
  s=${s//"$bs"/"$bs$bs"}
  s=${s//"$q"/"$bs$q"}
  s=${s//$'\n'/"\\n"}
  s=${s//$'\r'/"\\r"}
  s=${s//$'\t'/"\\t"}
  s=${s//"&"/"\\u0026"}
  s=${s//"<"/"\\u003c"}
  s=${s//">"/"\\u003e"}
  if [[ $s == *[$'\x01'-$'\x1f']* ]]; then
    for ((i = 1; i < 32; i++)); do
      printf -v c "\\x$(printf %x "$i")"
      printf -v u '\\u%04x' "$i"
      s=${s//"$c"/"$u"}
    done
  fi
  printf '"%s"' "$s"
}

# json_list S...: a JSON array of strings, without spaces (as in the compact form of `rkt cat-manifest`)
json_list() {
  local out="" s
  for s in "$@"; do out+="${out:+,}$(json_str "$s")"; done
  printf '[%s]' "$out"
}

# busybox_rootfs: IMAGES/rootfs, tests/images/make-rootfs.sh's busybox root filesystem, built once for all of a
# suite's images (its hundreds of applet links cost minutes under software emulation); IMAGE_ERROR says why not
busybox_rootfs() {
  [ ! -d "$IMAGES/rootfs" ] || return 0
  if ! BUSYBOX=$BUSYBOX bash "$MKROOTFS" "$IMAGES/rootfs.tmp" >"$IMAGES/rootfs.log" 2>&1; then
    IMAGE_ERROR="make-rootfs.sh: $(tail -n 1 "$IMAGES/rootfs.log")"
    return 1
  fi
  mv "$IMAGES/rootfs.tmp" "$IMAGES/rootfs"
}

# make_aci OUT NAME APP_JSON [SRC:DEST]...: OUT, an ACI named NAME holding the busybox root filesystem, the host
# files SRC at DEST (mode 0644) and, unless APP_JSON is empty, that app; IMAGE_ERROR says why when it fails
make_aci() {
  local out=$1 name=$2 app=$3 dir=$1.d f rootfs_dir
  shift 3
  busybox_rootfs || return 1
  rm -rf "$dir" "$out"
  mkdir -p "$dir"
  rootfs_dir=$IMAGES
  if [ $# -gt 0 ]; then
    # an image of its own: a copy of the root filesystem with the files
    cp -a "$IMAGES/rootfs" "$dir/rootfs"
    rootfs_dir=$dir
    for f in "$@"; do
      mkdir -p "$(dirname "$dir/rootfs/${f#*:}")"
      install -m 0644 "${f%%:*}" "$dir/rootfs/${f#*:}" || { IMAGE_ERROR="cannot copy ${f%%:*} into $out"; return 1; }
    done
  fi
  printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":%s,"labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]%s}\n' \
    "$(json_str "$name")" "${app:+,\"app\":$app}" >"$dir/manifest"
  if ! tar -czf "$out" -C "$dir" manifest -C "$rootfs_dir" rootfs 2>"$dir.log"; then
    IMAGE_ERROR="tar: $(tail -n 1 "$dir.log")"
    return 1
  fi
  rm -rf "$dir" "$dir.log"
}

# app_json EXEC_JSON [MORE_FIELDS]: an image manifest's app, as root unless MORE_FIELDS say otherwise
app_json() {
  printf '{"exec":%s,"user":"0","group":"0"%s}' "$1" "${2:+,$2}"
}
