#!/usr/bin/env bash
# A newcomer's first minutes on a fresh clone of the committed tree: `npm ci` (no engine warning), then the
# README's `npx hookbridge …` commands exactly as a user types them in the clone. CI runs this.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$repo" rev-parse HEAD)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -KILL -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check-fresh-clone: $*" >&2
  exit 1
}

git clone -q "$repo" "$work/hookbridge"
cd "$work/hookbridge"
git checkout -q --detach "$commit"
# The embedded store, as on a newcomer's machine.
unset DATABASE_URL HOOKBRIDGE_DATA_DIR HOOKBRIDGE_BOOTSTRAP_API_KEY

npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1 || { cat "$work/npm-ci.log"; fail 'npm ci failed'; }
if grep -qi 'EBADENGINE\|engine' "$work/npm-ci.log"; then cat "$work/npm-ci.log"; fail 'npm ci printed an engine warning'; fi
[ -x packages/server/bin/hookbridge.js ] || fail 'the hookbridge bin lost its execute bit'

npx hookbridge --help >"$work/help.txt" || fail 'npx hookbridge --help failed'
grep -q 'keys' "$work/help.txt" && grep -q 'HOOKBRIDGE_DATA_DIR' "$work/help.txt" || fail '--help lists no commands or settings'

# Before the first start there is no store: the one-off commands refuse and create nothing.
if npx hookbridge keys create 2>"$work/refused.txt"; then fail 'keys create without a store succeeded'; fi
grep -q "no HookBridge store in $PWD/.hookbridge" "$work/refused.txt" || { cat "$work/refused.txt"; fail 'no clear refusal'; }
[ ! -e .hookbridge ] || fail 'keys create without a store created one'

# First start prints a key; port 0 because 8080 may be busy on a CI machine.
# Its own process group, like a terminal's foreground job: npx runs the bin under `sh -c`, which does not
# pass signals on, so the group gets the SIGTERM as Ctrl-C would send a terminal's group SIGINT.
setsid npx hookbridge start --port 0 >"$work/start.log" 2>&1 &
server=$!
for _ in $(seq 1 180); do
  grep -q 'hb_live_' "$work/start.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/start.log"; fail 'start exited'; }
  sleep 1
done
grep -q 'hb_live_' "$work/start.log" || { cat "$work/start.log"; fail 'the first start printed no key'; }
# npm exits 143 on the signal; the server's clean exit releases the store lock.
kill -TERM -- "-$server"
wait "$server" || true
server=""
for _ in $(seq 1 30); do
  [ -e .hookbridge/hookbridge.lock ] || break
  sleep 1
done
[ ! -e .hookbridge/hookbridge.lock ] || fail 'start did not shut down cleanly (the store is still locked)'

npx hookbridge keys create --label fresh-clone >"$work/key.txt" || fail 'keys create failed'
grep -qE '^hb_live_[a-z0-9]{32}$' "$work/key.txt" || fail 'keys create printed no key'
npx hookbridge migrate | grep -q 'schema is up to date' || fail 'migrate failed'
echo 'check-fresh-clone: npm ci, npx hookbridge --help, start, keys create and migrate work on a fresh clone'
