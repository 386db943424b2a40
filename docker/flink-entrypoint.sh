#!/usr/bin/env bash
# Entrypoint of the Flink services of docker-compose.yml: installs conf/compose/flink-config.yaml (mounted
# read-only at /cbinfer/conf) as the image's configuration, then hands over to the image's own entrypoint,
# which edits that copy (jobmanager.rpc.address, ports) and starts the JobManager or TaskManager.
set -euo pipefail
cp /cbinfer/conf/compose/flink-config.yaml "$FLINK_HOME/conf/config.yaml"
exec /docker-entrypoint.sh "$@"
