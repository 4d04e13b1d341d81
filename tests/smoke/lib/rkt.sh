# shellcheck shell=bash
# The real rkt for the smoke suites (sourced): where it is, the one way the suites call it, and what its status,
# list and cat-manifest commands say about a pod. Needs DATA (rkt's --dir) and CONF (rkt's --local-config, where
# the suite's stage1-xen/host.conf and net.d live); RKT_DEBUG=1 adds rkt's --debug to every call.

RKT_BIN=""
RKT_DEBUG=0

# find_rkt [PATH]: rkt from PATH (--rkt), else $RKT, else `rkt` on PATH. Without one the suite ends in one line:
# the suites test stage1-xen under the real rkt and never fall back to anything else.
find_rkt() {
  local want=${1:-${RKT:-}} v out
  if [ -n "$want" ]; then
    [ -f "$want" ] && [ -x "$want" ] || fatal "host: rkt" "$want (--rkt or RKT) is not an executable file"
    RKT_BIN=$(cd "$(dirname "$want")" && pwd)/$(basename "$want")
  else
    RKT_BIN=$(command -v rkt 2>/dev/null) \
      || fatal "host: rkt" "no rkt: install rkt 1.30.0 on PATH, or give its executable with --rkt PATH or RKT=PATH"
  fi
  out=$("$RKT_BIN" version 2>&1)
  v=$(sed -n 's/^rkt Version: //p' <<<"$out")
  [ -n "$v" ] || fatal "host: rkt" "'$RKT_BIN version' says no rkt version: $(show "$(head -n 2 <<<"$out")")"
  [ "$v" = 1.30.0 ] || note "rkt $v: the suites assert what rkt 1.30.0 prints"
  # installing rkt creates this group; without it every `rkt run` warns on stderr that it will use the default gid
  if ! getent group rkt >/dev/null 2>&1; then
    groupadd --system rkt 2>/dev/null || fatal "host: rkt group" "there is no group rkt and groupadd --system rkt failed"
    note "created the group rkt, as installing rkt does"
  fi
  ok "host: rkt $v at $RKT_BIN"
}

# rk_command: RK_CMD, rkt with the suite's data directory and local configuration, for unsigned images
# (insecure-options); a caller that starts it in the background runs "${RK_CMD[@]}" itself, so that $! is rkt's pid
rk_command() {
  RK_CMD=("$RKT_BIN" --dir="$DATA" --local-config="$CONF" --insecure-options=image)
  [ "$RKT_DEBUG" != 1 ] || RK_CMD+=(--debug)
}

# rk ARG...: rkt ARG... as RK_CMD
rk() {
  rk_command
  "${RK_CMD[@]}" "$@"
}

# rkt_status UUID: `rkt status` on one line, each value of created= and started= (times) replaced by its name, the
# app-NAME= lines last and sorted by name (rkt prints them in the random order of a Go map's iteration)
rkt_status() {
  local out
  out=$(rk status "$1" 2>&1 | sed -e 's/^\(created\|started\)=.*/\1/')
  { grep -v '^app-' <<<"$out"; grep '^app-' <<<"$out" | LC_ALL=C sort; } | paste -sd ' ' -
}

# rkt_list_fields UUID COLUMN...: columns (UUID, APP, IMAGE NAME, IMAGE ID, STATE, CREATED, STARTED, NETWORKS) of the
# pod's first row in `rkt list --full`, joined by "|". rkt pads its columns with tabs of 8, so with the tabs expanded
# each column starts where its name starts in the header, also when a value is empty.
rkt_list_fields() {
  local u=$1 cols
  shift
  cols=$(IFS='|'; echo "$*")
  rk list --full 2>/dev/null | expand -t 8 | awk -v u="$u" -v cols="$cols" '
    NR == 1 {
      n = split("UUID|APP|IMAGE NAME|IMAGE ID|STATE|CREATED|STARTED|NETWORKS", names, "|")
      for (i = 1; i <= n; i++) { start[i] = index($0, names[i]); col[names[i]] = i }
      next
    }
    index($0, u) == 1 {
      k = split(cols, want, "|")
      out = ""
      for (j = 1; j <= k; j++) {
        c = col[want[j]]
        e = c < n ? start[c + 1] : length($0) + 1
        v = c ? substr($0, start[c], e - start[c]) : "?"
        gsub(/^ +| +$/, "", v)
        out = out (j > 1 ? "|" : "") v
      }
      print out
      exit
    }'
}

# rkt_manifest UUID: the pod manifest rkt wrote, as `rkt cat-manifest --pretty-print=false` prints it: one line of
# JSON without spaces, strings escaped as json_str does. rkt saves the uuid (start_pod returns) before it has
# rendered the images and written the manifest, so cat-manifest may fail at first: it is asked again for up to
# MANIFEST_TIMEOUT s (seen: the first pod of a suite, which imports the stage1 image, once had none yet). Its last
# error is in L/cat-manifest.err.
MANIFEST_TIMEOUT=${MANIFEST_TIMEOUT:-90}
rkt_manifest() {
  local m end=$((SECONDS + MANIFEST_TIMEOUT))
  while :; do
    if m=$(rk cat-manifest --pretty-print=false "$1" 2>"$L/cat-manifest.err") && [ -n "$m" ]; then
      printf '%s\n' "$m"
      return 0
    fi
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.5
  done
}

# expect_manifest CHECK UUID FRAGMENT...: rkt's pod manifest of UUID holds every FRAGMENT (kept in L/pod-manifest.json)
expect_manifest() {
  local check=$1 m f missing=""
  m=$(rkt_manifest "$2")
  printf '%s\n' "$m" >"$L/pod-manifest.json"
  shift 2
  for f in "$@"; do [[ $m == *"$f"* ]] || missing+=" '$f'"; done
  if [ -z "$missing" ]; then
    ok "$check"
  else
    fail "$check" "not in rkt cat-manifest:$(show "$missing"); the manifest: '$(show "$m")' $(show "$(cat "$L/cat-manifest.err" 2>/dev/null)")"
  fi
}
