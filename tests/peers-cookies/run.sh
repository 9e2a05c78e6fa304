#!/bin/sh
# Checks core's h3 / iron-session cookie styles against the real npm packages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --quiet --manifest-path "$root/Cargo.toml" -p polyseal --example cookie_cli
POLYSEAL_COOKIE_CLI="$root/target/debug/examples/cookie_cli"
export POLYSEAL_COOKIE_CLI
cd "$here"
npm install --no-audit --no-fund --no-package-lock
node --test
