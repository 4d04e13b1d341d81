#!/usr/bin/env bash
# Runs the smoke suites one after the other in a Xen dom0 and adds up their results.
#
#   SUITES="smoke volumes network security" all-suites.sh ACI [ARG...]
#
# The options every suite takes (--rkt PATH, --debug, --keep, --emulated, --logs DIR) go to all of them, --logs as
# DIR/<suite>; the other ARGs go to smoke.sh only. VOLUME_TYPES, when set, becomes volumes.sh's --types,
# NETWORK_TYPES network.sh's and SECURITY_TYPES security.sh's; NETWORK_ARGS (split on spaces) are network.sh's own
# options. Each suite prints its own `N passed, N failed`; the last line is the total over all of them, and the exit
# status is 1 when any check failed (or a suite ended without its summary line).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ACI=${1:?usage: all-suites.sh ACI [ARG...]}
shift
common=() smoke=() logs=""
while [ $# -gt 0 ]; do
  case $1 in
    --rkt) common+=("$1" "${2:?--rkt needs a path}"); shift 2 ;;
    --debug|--keep|--emulated) common+=("$1"); shift ;;
    --logs) logs=${2:?--logs needs a folder}; shift 2 ;;
    *) smoke+=("$1"); shift ;;
  esac
done
passed=0 failed=0
T0=$SECONDS
for suite in ${SUITES:-smoke volumes network security}; do
  args=(--aci "$ACI" ${common[@]+"${common[@]}"})
  [ -z "$logs" ] || args+=(--logs "$logs/$suite")
  case $suite in
    smoke) args+=(${smoke[@]+"${smoke[@]}"}) ;;
    volumes) [ -z "${VOLUME_TYPES:-}" ] || args+=(--types "$VOLUME_TYPES") ;;
    network)
      [ -z "${NETWORK_TYPES:-}" ] || args+=(--types "$NETWORK_TYPES")
      # shellcheck disable=SC2206 # options without spaces, split on purpose
      args+=(${NETWORK_ARGS:-}) ;;
    security) [ -z "${SECURITY_TYPES:-}" ] || args+=(--types "$SECURITY_TYPES") ;;
    *) echo "all-suites.sh: unknown suite '$suite' (smoke, volumes, network, security)" >&2; exit 2 ;;
  esac
  echo "### suite $suite ($(( (SECONDS - T0) / 60 )) min $(( (SECONDS - T0) % 60 )) s)"
  out=$(mktemp)
  bash "$HERE/$suite.sh" "${args[@]}" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  rm -f "$out"
  if [ -z "$summary" ]; then
    echo "FAIL - suite $suite ended (exit $rc) without its summary line"
    failed=$((failed + 1))
    continue
  fi
  p=${summary%% passed*}
  f=${summary#*, }
  f=${f%% failed}
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "FAIL - suite $suite exited $rc although it counted no failure"
    failed=$((failed + 1))
  fi
done
echo "### all suites: $(( (SECONDS - T0) / 60 )) min $(( (SECONDS - T0) % 60 )) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
