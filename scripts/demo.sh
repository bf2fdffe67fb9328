#!/usr/bin/env bash
# `make demo`: the todo example (examples/todo) end to end on this machine, in a scratch copy:
# build it from Zig to wasm, deploy it with Terraform to a local AWS (moto on 127.0.0.1), serve
# it with `asml serve` and create / read / list / delete todos over HTTP, then take it all down.
# Everything it starts is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
asml="$repo/.venv/bin/asml"
python="$repo/.venv/bin/python"
work=$(mktemp -d)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
step() { printf '\033[1m$ %s\033[0m\n' "$*"; }
run() { local shown; shown=$(printf '%q ' "$@"); step "${shown//"$asml"/asml}"; "$@"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # URL: wait until something answers there
    for _ in $(seq 1 300); do
        "$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null && return 0
        "$python" -c "import urllib.request, urllib.error, sys
try: urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError: sys.exit(0)
except Exception: sys.exit(1)" "$1" && return 0
        sleep 0.2
    done
    return 1
}

command -v terraform >/dev/null 2>&1 || [[ -n "${ASML_TERRAFORM:-}" ]] \
    || die "Terraform is not on PATH; install it (https://developer.hashicorp.com/terraform/install)"
# Terraform finds the AWS provider in this machine's filesystem mirror when there is one,
# and downloads it from the registry otherwise.
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE:-}" ]]; then
    mirror=$(find /opt /usr/share/terraform "$HOME/.terraform.d" -maxdepth 4 -type d \
        -path '*registry.terraform.io/hashicorp/aws' 2>/dev/null | head -n 1 || true)
    mkdir -p "$work/plugin-cache"
    {
        if [[ -n "$mirror" ]]; then
            printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n' "${mirror%/registry.terraform.io/hashicorp/aws}"
            printf '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
        fi
        printf 'plugin_cache_dir = "%s"\n' "$work/plugin-cache"
    } > "$work/terraform.rc"
    export TF_CLI_CONFIG_FILE="$work/terraform.rc"
fi
export CHECKPOINT_DISABLE=1

# The custom runtime's CPython 3.10 is python-build-standalone's, downloaded with pbs-installer
# (or from PBS_INSTALLER_BASE_URL, or ASML_PYTHON_ARCHIVE). With none of those set, the demo
# needs no internet: this machine's own CPython 3.10 (the one .venv runs on) stands in, which
# is fine for the local AWS. asml cast says that it would not do for AWS itself.
if [[ -z "${ASML_PYTHON_PREFIX:-}${ASML_PYTHON_ARCHIVE:-}${PBS_INSTALLER_BASE_URL:-}" ]]; then
    ASML_PYTHON_PREFIX=$("$python" -c 'import sys; print(sys.base_prefix)')
    export ASML_PYTHON_PREFIX
fi

cp -r examples/todo "$work/todo"
rm -rf "$work/todo/.asml" "$work/todo/net"
cd "$work/todo"

say "a local AWS: moto on 127.0.0.1"
moto_port=$(free_port)
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$repo/.venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" \
    > "$work/moto.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$moto_port/moto-api/" || die "moto did not start: $(tail -5 "$work/moto.log")"
sed -i "s|http://127.0.0.1:5000|http://127.0.0.1:$moto_port|" assemblylift.toml
echo "moto is listening on http://127.0.0.1:$moto_port ([local] endpoint in assemblylift.toml)"

say "build the four Zig functions to wasm and precompile them"
run "$asml" build

say "plan the deployment to the local AWS, then apply exactly that plan"
run "$asml" plan --target local
run "$asml" apply --target local

say "serve the API on 127.0.0.1; its IOmods talk to the local AWS"
serve_port=$(free_port)
step "asml serve --target local --port $serve_port --workers 2 &"
"$asml" serve --target local --port "$serve_port" --workers 2 --no-watch 2> "$work/serve.log" &
pids+=($!)
wait_http "http://127.0.0.1:$serve_port/" || die "asml serve did not start: $(tail -5 "$work/serve.log")"

say "create, read, list and delete todos over HTTP"
"$python" - "http://127.0.0.1:$serve_port" <<'PY'
import json, sys, urllib.error, urllib.request

base = sys.argv[1]

def call(method, path, payload=None):
    data = json.dumps(payload).encode() if payload is not None else None
    shown = f" -d '{json.dumps(payload)}'" if payload is not None else ""
    print(f"\033[1m$ curl -X {method} {base}{path}{shown}\033[0m")
    request = urllib.request.Request(base + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    print(f"{status} {body.decode() or '(no body)'}")
    return status, json.loads(body) if body else None

status, milk = call("POST", "/todos", {"title": "buy milk"})
assert status == 201, status
status, bread = call("POST", "/todos", {"title": "bake bread"})
assert status == 201, status
assert call("GET", "/todos")[0] == 200
assert call("GET", f"/todos/{milk['id']}") == (200, milk)
assert call("DELETE", f"/todos/{milk['id']}")[0] == 204
assert call("GET", f"/todos/{milk['id']}")[0] == 404
assert call("GET", "/todos") == (200, {"todos": [bread]})
PY
step "asml serve's log"
grep -E ' -> todos\.' "$work/serve.log"

say "what is deployed"
run "$asml" outputs --target local

say "take it all down"
run "$asml" destroy --target local --yes
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
say "done: the local AWS and asml serve are stopped"
