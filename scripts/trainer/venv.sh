#!/bin/sh
# The trainer's virtualenv, made from requirements.lock once per lock content and reused.
#   sh scripts/trainer/venv.sh [ROOT] [LOCK]   (ROOT default ~/.cache/tunectl, LOCK default beside this script)
# With LOCK "-" the lock is read from stdin (how tunectl ships it to a host). Prints progress
# on stderr and the venv's python on the last line of stdout. Needs python3 >= 3.10 with venv.
set -eu
root=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/tunectl}
lock=${2:-$(dirname "$0")/requirements.lock}
mkdir -p "$root"
tmp_lock=$(mktemp "$root/lock.XXXXXX")
trap 'rm -f "$tmp_lock"' EXIT
if [ "$lock" = - ]; then cat > "$tmp_lock"; else cp "$lock" "$tmp_lock"; fi
hash=$(sha256sum "$tmp_lock" | cut -c1-16)
venv="$root/venv-$hash"
if [ -f "$venv/.complete" ]; then echo "$venv/bin/python"; exit 0; fi
py=${TUNECTL_BASE_PYTHON:-python3}
fix="run: $py -m venv $venv && $venv/bin/pip install --require-hashes -r scripts/trainer/requirements.lock && touch $venv/.complete"
if ! "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "tunectl: $py is missing or older than 3.10, or lacks venv/ensurepip (Debian: apt-get install python3-venv); then $fix" >&2
  exit 3
fi
exec 9>"$venv.lock"
flock 9 2>/dev/null || true
if [ -f "$venv/.complete" ]; then echo "$venv/bin/python"; exit 0; fi
echo "tunectl: creating the trainer virtualenv $venv from requirements.lock (once; a few minutes)" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >&2
# A primary index whose host does not resolve (a site that mirrors packages in find-links or
# extra-index-url) would be retried five times per package, minutes in all: ask it once.
index=${PIP_INDEX_URL:-$("$venv/bin/python" -m pip config get global.index-url 2>/dev/null || echo https://pypi.org/simple)}
retries=
if ! "$venv/bin/python" -c 'import socket, sys, urllib.parse
socket.setdefaulttimeout(10)
url = urllib.parse.urlsplit(sys.argv[1])
url.scheme in ("http", "https") and socket.getaddrinfo(url.hostname, url.port or 443)' "$index" 2>/dev/null; then
  echo "tunectl: the package index $index does not resolve; pip asks it once per package instead of retrying" >&2
  retries="--retries 0"
fi
# shellcheck disable=SC2086 # $retries is empty or two words
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $retries --require-hashes -r "$tmp_lock" >&2; then
  echo "tunectl: installing requirements.lock into $venv failed (output above); fix the cause, then $fix" >&2
  exit 3
fi
touch "$venv/.complete"
echo "$venv/bin/python"
