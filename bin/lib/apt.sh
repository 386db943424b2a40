# Sourced by bin/fetch-data and .ci/run (bash).
#
# apt_get ARGS...: apt-get ARGS as root (through sudo when not root), waiting while another apt-get or dpkg holds
# its lock (an unattended upgrade, another build's install) instead of failing at once: up to $APT_LOCK_WAIT
# seconds (default 900), then it fails with apt-get's message. Output goes to stderr.
apt_get() {
  local limit=${APT_LOCK_WAIT:-900} start=$SECONDS log status as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "apt-get $*: needs root (no sudo)" >&2; return 1; }
    as_root=(sudo env "DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}")
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/apt-get.XXXXXX")
  while :; do
    # DPkg::Lock::Timeout makes apt wait for the dpkg lock itself; the loop covers the other locks
    # (apt-get update's lists lock, the archives lock), which apt gives up on at once.
    { "${as_root[@]}" apt-get -o DPkg::Lock::Timeout="$limit" "$@" 2>&1; echo "$?" > "$log.status"; } | tee "$log" >&2
    status=$(cat "$log.status")
    if [ "$status" = 0 ] || ! grep -qiE 'could not get lock|unable to (acquire|lock)|is another process using it' "$log" \
        || [ $((SECONDS - start)) -ge "$limit" ]; then
      rm -f "$log" "$log.status"
      return "$status"
    fi
    printf 'apt-get: another process holds the package lock; waiting (%d s so far)\n' $((SECONDS - start)) >&2
    sleep 5
  done
}
