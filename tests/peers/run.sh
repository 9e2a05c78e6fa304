#!/usr/bin/env bash
# Real-peer tests: installs the pinned npm packages (package.json), builds the Rust example CLIs
# that expose core, and runs the Node tests against both (sessions/ starts real h3 and
# iron-session servers on 127.0.0.1 ephemeral ports). Extra arguments go to `node --test`.
# PEER_SEED replays a run's random inputs; PEER_ROUNDS sets the round trips per direction.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"

(cd "$repo" && cargo build --quiet -p polyseal --example fe26_cli --example cookie_cli --example session_cli)
export FE26_CLI="$target/debug/examples/fe26_cli"
export POLYSEAL_COOKIE_CLI="$target/debug/examples/cookie_cli"
export POLYSEAL_SESSION_CLI="$target/debug/examples/session_cli"

cd "$here"
npm install --no-audit --no-fund --no-package-lock --loglevel=error
node --test "$@" ./*.test.mjs ./cookies/*.test.mjs ./sessions/*.test.mjs
