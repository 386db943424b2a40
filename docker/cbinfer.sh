#!/usr/bin/env bash
# The CBinfer CLI inside a container of docker-compose.yml (producer, view): the project's build output is
# mounted at /cbinfer/job (job/target: the CLI jar and lib/), the image brings Java 17.
set -euo pipefail
shopt -s nullglob
jars=(/cbinfer/job/cbinfer-job-*.jar)
jar=
for j in "${jars[@]}"; do
  case $j in *-shaded.jar|*-sources.jar|*-tests.jar) ;; *) jar=$j ;; esac
done
[ -n "$jar" ] || { echo "no cbinfer-job jar in /cbinfer/job: build it first (./mvnw -B -DskipTests package)" >&2; exit 1; }
exec java --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-modules=jdk.incubator.vector \
  -Dcbinfer.home=/cbinfer -cp "$jar:/cbinfer/job/lib/*" org.cbinfer.job.Cli "$@"
