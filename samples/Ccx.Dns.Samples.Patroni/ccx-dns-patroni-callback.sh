#!/bin/sh
# Patroni callback for Ccx.Dns: asks the Ccx.Dns host to read this Patroni cluster at once, so that its DNS names
# follow a new leader without waiting for the next poll.
#
# In each member's patroni.yml (the datastore id is the first label of the cluster's DNS names):
#   postgresql:
#     callbacks:
#       on_role_change: /usr/local/bin/ccx-dns-patroni-callback.sh http://DNS-HOST:8089/ccx-dns/patroni/refresh/DATASTORE-ID
#       on_start:       /usr/local/bin/ccx-dns-patroni-callback.sh http://DNS-HOST:8089/ccx-dns/patroni/refresh/DATASTORE-ID
#       on_stop:        /usr/local/bin/ccx-dns-patroni-callback.sh http://DNS-HOST:8089/ccx-dns/patroni/refresh/DATASTORE-ID
#
# Patroni appends three arguments: the action (on_role_change, on_start, ...), the member's new role and the cluster
# name. They are sent along as a query string, for the host's log only. A refresh only reads; when the host cannot be
# reached the next poll catches up, so the script reports the failure and exits 0 (Patroni ignores the exit code anyway).
url="$1"
if [ -z "$url" ]; then
  echo "usage: $0 REFRESH-URL [action role cluster]" >&2
  exit 0
fi
curl --silent --show-error --fail --max-time 5 -G -X POST -H "Content-Length: 0" \
  --data-urlencode "action=${2:-}" --data-urlencode "role=${3:-}" --data-urlencode "cluster=${4:-}" \
  "$url" >/dev/null \
  || echo "ccx-dns-patroni-callback: POST $url failed; the next poll catches up" >&2
exit 0
