#!/usr/bin/env bash
# Installs what the test suite needs, once; quiet when everything is present.
# Called by `deno task test` and by .ci/run. Debian packages only (apt-get), as root.
set -euo pipefail

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
  "wrk wrk"
  "py:oslo_middleware.healthcheck python3-oslo.middleware"
  "chromium chromium"
)

missing=()
for pair in "${needs[@]}"; do
  check=${pair%% *}
  pkg=${pair#* }
  case "$check" in
    py:*) /usr/bin/python3 -c "import ${check#py:}" >/dev/null 2>&1 || missing+=("$pkg") ;;
    # Debian puts some servers in /usr/sbin, which a non-root PATH may lack.
    *) command -v "$check" >/dev/null 2>&1 || [ -x "/usr/sbin/$check" ] || missing+=("$pkg") ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
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
