#!/bin/sh
# The billing sink: a Kafka Connect worker (standalone) that upserts cdr.billing into PostgreSQL by
# record id and deletes a row when the pipeline deletes its record (a tombstone).
#
#   bin/billing-sink.sh [WORKER_PROPERTIES [CONNECTOR_PROPERTIES]]
#
# Defaults: config/worker.properties and config/billing-postgres.properties. Relative paths in them
# (plugins/, data/, config/secrets.properties) are relative to this directory's parent, where the
# worker runs. JVM options: BILLING_SINK_OPTS (default -Xmx512m). Needs Java 17 or later.
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
worker=$(absolute "${1:-$home/config/worker.properties}")
connector=$(absolute "${2:-$home/config/billing-postgres.properties}")
for f in "$worker" "$connector"; do
  [ -r "$f" ] || { echo "billing-sink: cannot read $f" >&2; exit 2; }
done
cd "$home"
mkdir -p data
# shellcheck disable=SC2086 # BILLING_SINK_OPTS holds several options
exec java ${BILLING_SINK_OPTS:--Xmx512m} -Dlogback.configurationFile="$home/config/logback.xml" \
  -cp "$home/lib/*" org.apache.kafka.connect.cli.ConnectStandalone "$worker" "$connector"
