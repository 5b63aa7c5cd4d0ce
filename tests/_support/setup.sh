#!/usr/bin/env bash
# Installs what the test suite needs, once; quiet when everything is present.
# Called by `deno task test` and by .ci/run. Debian packages only (apt-get), as root.
#   --bench  also what the benchmarks need (wrk, eventlet); every `deno task bench:*` passes it
#   --check  install nothing: say what is missing and exit 1 if anything is
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

bench=0
check=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    --check) check=1 ;;
    *) echo "setup: unknown argument \"$arg\": use --bench and/or --check" >&2; exit 2 ;;
  esac
done

# command-to-check  debian-package  (a check is a command name or a python module "py:mod")
needs=(
  "nats-server nats-server"
  "py:oslo_messaging python3-oslo.messaging"
  "py:oslo_config python3-oslo.config"
  "py:barbican python3-barbican"
  "py:oslo_policy python3-oslo.policy"
  "py:oslo_limit python3-oslo.limit"
  "py:keystone python3-keystone"
  "uwsgi uwsgi-core"
  "uwsgi_python3 uwsgi-plugin-python3"
  "wat2wasm wabt"
  "py:oslo_middleware.healthcheck python3-oslo.middleware"
  "chromium chromium"
)
# Only the benchmarks: wrk drives the HTTP ones, eventlet serves oslo.middleware's baseline.
[ "$bench" -eq 1 ] && needs+=("wrk wrk" "py:eventlet python3-eventlet")

# The running Deno (`deno task` says it in npm_config_user_agent) against the pin: a warning only.
pin=$(sed -n 's/^deno_version=//p' "$here/../../.ci/versions" 2>/dev/null || true)
running=
if [[ "${npm_config_user_agent:-}" =~ ^deno/([^ ]+) ]]; then
  running=${BASH_REMATCH[1]}
elif command -v deno >/dev/null 2>&1; then
  running=$(deno --version 2>/dev/null | awk 'NR==1{print $2}')
fi
if [ -n "$pin" ] && [ -n "$running" ] && [ "$running" != "$pin" ]; then
  echo "setup: warning: this is Deno $running but .ci/versions pins $pin (npx -y deno@$pin task ... runs the pinned one)" >&2
fi

missing=()
declare -A py_pkg=()
for pair in "${needs[@]}"; do
  what=${pair%% *}
  pkg=${pair#* }
  case "$what" in
    py:*) py_pkg[${what#py:}]=$pkg ;;
    # Debian puts some servers in /usr/sbin, which a non-root PATH may lack.
    *) command -v "$what" >/dev/null 2>&1 || [ -x "/usr/sbin/$what" ] || missing+=("$pkg") ;;
  esac
done
# One interpreter for every module, finding them without importing them (fast: see py_missing.py).
if [ -x /usr/bin/python3 ]; then
  py_missing=$(/usr/bin/python3 "$here/py_missing.py" "${!py_pkg[@]}")
else
  py_missing=$(printf '%s\n' "${!py_pkg[@]}")
fi
for mod in $py_missing; do missing+=("${py_pkg[$mod]}"); done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$check" -eq 1 ] || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: install the Debian packages ${missing[*]} (apt-get install -y ${missing[*]}), then run the tests again" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/oslo-edge-update-stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
  apt-get update -q >/tmp/oslo-edge-apt.log 2>&1 || { cat /tmp/oslo-edge-apt.log >&2; exit 1; }
  mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/oslo-edge-apt.log 2>&1 ||
  { tail -20 /tmp/oslo-edge-apt.log >&2; exit 1; }
