# shellcheck shell=bash
# Reporting for the smoke suites (sourced). Every check prints one line: `ok - …`, `FAIL - …: why` or
# `skip - …: why`; `# …` lines are observations. summary prints the retries and `N passed, N failed`, which
# all-suites.sh adds up.

PASSED=0 FAILED=0 SKIPPED=0
RETRIES=()
T_START=$SECONDS
BENCH_OUT=""

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1: $2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip - $1: $2"; }
note() { echo "# $*"; }
bench() { # bench LINE: a benchmark result, also appended to BENCH_OUT when set
  echo "bench - $*"
  [ -z "$BENCH_OUT" ] || echo "$*" >>"$BENCH_OUT"
}
section() {
  local t=$((SECONDS - T_START))
  printf '# [%02d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}

# show TEXT: one readable line (control characters visible, long text cut)
show() {
  local s=$1
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  ((${#s} <= 300)) || s="${s:0:300}..."
  printf '%s' "$s"
}

expect_eq() { # expect_eq CHECK EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$(show "$2")', got '$(show "$3")'"; fi
}

expect_in() { # expect_in CHECK FILE TEXT: TEXT (one line) appears in FILE
  if grep -qF -- "$3" "$2" 2>/dev/null; then
    ok "$1"
  else
    fail "$1" "'$(show "$3")' not in $(basename "$2"): '$(show "$(tail -c 400 "$2" 2>/dev/null)")'"
  fi
}

expect_line() { # expect_line CHECK FILE LINE: FILE has exactly this line
  if grep -qxF -- "$3" "$2" 2>/dev/null; then
    ok "$1"
  else
    fail "$1" "no line '$(show "$3")' in $(basename "$2"): '$(show "$(tail -c 600 "$2" 2>/dev/null)")'"
  fi
}

summary() {
  local r
  for r in ${RETRIES[@]+"${RETRIES[@]}"}; do echo "# retried: $r"; done
  section "done: ${#RETRIES[@]} retries, $SKIPPED skipped"
  echo "$PASSED passed, $FAILED failed"
}

fatal() { # fatal CHECK WHY: a failed precondition ends the suite
  fail "$1" "$2"
  summary
  exit 1
}

# now_ns: the wall clock in ns, read by bash itself (EPOCHREALTIME, bash 5) rather than by a `date` process: the
# bench's stamp of a pod's first output must not pay a fork and an exec (a process start, slow in an emulated
# dom0) that the bare baseline's client, which reads the clock in-process, does not
now_ns() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo "${t}000"
  else
    date +%s%N
  fi
}
ms_between() { echo $((($2 - $1) / 1000000)); }
secs() { # secs MS: 12345 -> 12.3
  printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100))
}
median() { # median N...: the middle value (the upper one of an even count)
  printf '%s\n' "$@" | sort -n | sed -n "$(($# / 2 + 1))p"
}
