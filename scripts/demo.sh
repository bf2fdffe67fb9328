#!/usr/bin/env bash
# `make demo`: what a new user does first, in a scratch directory that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
asml="$PWD/.venv/bin/asml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# Show the command as it would be typed: quoted where needed, with `asml` for the venv's copy.
run() { local shown; shown=$(printf '%q ' "$@"); step "${shown/#"$asml"/asml}"; "$@"; }

cd "$work"
run "$asml" init todo --lang zig
cd todo
run "$asml" make service users
run "$asml" make function users.signup --lang c --http "POST /users"
run "$asml" make function api.echo --lang wat --http "POST /echo"
step "cat services/users/service.toml"; cat services/users/service.toml
run "$asml" check

say "build every function to wasm, precompile it for Lambda, and package zips and the runtime layer"
run "$asml" build
run "$asml" build  # nothing changed: everything comes from the cache
run "$asml" package

say "a mistake: an unknown HTTP method and a route that clashes"
cat >> services/users/service.toml <<'TOML'

[functions.login]
language = "c"
source = "signup"
http = { verb = "FETCH", path = "/users" }

[functions.again]
language = "c"
source = "signup"
http = { verb = "POST", path = "/users" }
TOML
step "asml check"
if "$asml" check; then echo "expected asml check to fail" >&2; exit 1; fi
printf '\ndemo finished: asml check caught both mistakes (exit code 1)\n'
