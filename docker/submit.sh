#!/usr/bin/env bash
# The submit service of docker-compose.yml: creates nothing, waits for the JobManager and a TaskManager
# slot, then submits the shaded job jar with 'flink run' (the job's main runs here; Flink ships the job
# graph to the cluster). The job configuration is conf/job.yaml with the compose-specific values given as
# --set overrides in docker-compose.yml (CBINFER_JOB_ARGS).
set -euo pipefail
shopt -s nullglob
jars=(/cbinfer/job/cbinfer-job-*-shaded.jar)
[ ${#jars[@]} -eq 1 ] || { echo "need exactly one /cbinfer/job/cbinfer-job-*-shaded.jar (./mvnw -B -DskipTests package), found ${#jars[@]}" >&2; exit 1; }
cp /cbinfer/conf/compose/flink-config.yaml "$FLINK_HOME/conf/config.yaml"
until bash -c "exec 3<>/dev/tcp/${FLINK_JOBMANAGER_HOST}/${FLINK_REST_PORT}" 2>/dev/null; do sleep 1; done
# shellcheck disable=SC2086 # CBINFER_JOB_ARGS is a word list
exec flink run -m "${FLINK_JOBMANAGER_HOST}:${FLINK_REST_PORT}" -d "${jars[0]}" ${CBINFER_JOB_ARGS}
