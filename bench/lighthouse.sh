#!/bin/sh
# Install Lighthouse beside the bench (not in pwa/), then run bench/lighthouse.py.
set -e
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/lighthouse/node_modules/.bin/lighthouse" ] ||
  (cd "$here/lighthouse" && npm i -E lighthouse@12.2.3 --no-audit --no-fund)
exec "$here/../.venv/bin/python" "$here/lighthouse.py" "$@"
