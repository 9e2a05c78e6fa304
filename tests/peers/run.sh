#!/usr/bin/env bash
# Real-peer tests of polyseal's Fe26.2: installs the pinned npm packages (package.json), builds
# the fe26_cli example and runs the Node tests against both. Extra arguments go to `node --test`.
# PEER_SEED replays a run's random inputs; PEER_ROUNDS sets the round trips per direction.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

(cd "$repo" && cargo build --quiet -p polyseal --example fe26_cli)
export FE26_CLI="${CARGO_TARGET_DIR:-$repo/target}/debug/examples/fe26_cli"

cd "$here"
npm install --no-audit --no-fund --no-package-lock --loglevel=error
node --test "$@" ./*.test.mjs
