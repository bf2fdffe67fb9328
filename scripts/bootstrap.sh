#!/usr/bin/env bash
# Creates a virtualenv with asml and its dev tools installed; `make test` and `make demo` call it.
#
#   scripts/bootstrap.sh                 .venv on CPython 3.10, with the wasmer and wasmtime engines
#   scripts/bootstrap.sh --compat 3.13   .venv-3.13 on a newer CPython, without wasmer (no wheels)
#
# The first form also creates .venv-checkov with checkov, the IaC scanner the tests run over the
# Terraform (tests/scan): a venv of its own, since checkov pins boto3, packaging and networkx
# older than asml and its tests need.
#
# A second run with nothing changed finishes in well under a second: the venv records a hash of
# everything that decides its contents and is rebuilt only when that hash changes.
set -euo pipefail
cd "$(dirname "$0")/.."

want=3.10
venv=.venv
compat=0
if [[ "${1:-}" == "--compat" ]]; then
    want="${2:?--compat needs a Python version, e.g. 3.13}"
    venv=".venv-$want"
    compat=1
fi

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# pip's machine-wide config lists optional local mirrors that may be absent; hide only that noise.
quiet_pip() { "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2); }

python_ok() { [[ -x "$1" ]] && "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; }

find_python() {
    local candidate prefix version
    for candidate in "${ASML_PYTHON:-}" "$(command -v "python$want" 2>/dev/null || true)" "/usr/bin/python$want" "/usr/local/bin/python$want"; do
        if [[ -n "$candidate" ]] && python_ok "$candidate"; then echo "$candidate"; return; fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for version in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -rV); do
            prefix=$(pyenv prefix "$version" 2>/dev/null || true)
            if [[ -n "$prefix" ]] && python_ok "$prefix/bin/python$want"; then echo "$prefix/bin/python$want"; return; fi
        done
    fi
    return 1
}

python=$(find_python) || {
    if (( compat )); then die "CPython $want not found; install it (e.g. \`pyenv install $want\`) or skip this check"; fi
    die "CPython 3.10 is required: wasmer's wheels exist only for CPython 3.7-3.10 on x86_64.
  Install it (e.g. \`pyenv install 3.10\`), or point ASML_PYTHON at a python3.10 binary."
}

# Guest toolchains that come from Debian: Rust's wasm32 standard library (rustup's toolchains
# cannot download one here). Installed when we are root; otherwise say what to install.
ensure_system_packages() {
    local missing=()
    [[ -d /usr/lib/rustlib/wasm32-wasi ]] || missing+=(rustc libstd-rust-dev-wasm32)
    # clang + wasi-libc: the alternative C/C++ toolchain (ASML_C_TOOLCHAIN=clang)
    [[ -d /usr/lib/wasm32-wasi ]] || missing+=(clang lld wasi-libc libclang-rt-14-dev-wasm32)
    [[ -d /usr/lib/llvm-14/include/wasm32-wasi/c++/v1 ]] \
        || missing+=(libc++-14-dev-wasm32 libc++abi-14-dev-wasm32)
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    (( ${#missing[@]} )) || return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing system packages for guest toolchains: ${missing[*]} (install them, e.g. \`sudo apt-get install ${missing[*]}\`)"
    fi
    say "installing system packages: ${missing[*]}"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# Terraform: `asml plan/apply` drive it, and the tests validate and apply generated HCL with it.
if [[ -z "${ASML_TERRAFORM:-}" ]] && ! command -v terraform >/dev/null 2>&1; then
    die "Terraform (>= 1.3) is not on PATH: install it (https://developer.hashicorp.com/terraform/install) or point ASML_TERRAFORM at the binary"
fi

# checkov in its own venv, with a fingerprint of its own: a change to asml's dependencies does
# not reinstall it, nor a new checkov version asml's.
CHECKOV_VERSION=3.3.30
ensure_checkov() {
    local venv=.venv-checkov fingerprint
    fingerprint=$( { "$python" -VV; echo "checkov==$CHECKOV_VERSION"; cat scripts/bootstrap.sh; } | sha256sum | cut -d' ' -f1)
    if [[ -f "$venv/.asml-bootstrap" && "$(cat "$venv/.asml-bootstrap")" == "$fingerprint" && -x "$venv/bin/checkov" ]]; then
        return 0
    fi
    say "creating $venv with checkov $CHECKOV_VERSION"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    quiet_pip "$venv/bin/python" -m pip install --quiet --upgrade pip
    quiet_pip "$venv/bin/python" -m pip install --quiet "checkov==$CHECKOV_VERSION" \
        || die "cannot install checkov $CHECKOV_VERSION"
    [[ "$(CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" --version)" == "$CHECKOV_VERSION" ]] \
        || die "checkov $CHECKOV_VERSION does not run; see above"
    echo "$fingerprint" > "$venv/.asml-bootstrap"
}

extras=dev
(( compat )) && extras=test,toolchains
(( compat )) || ensure_system_packages
(( compat )) || ensure_checkov
stamp="$venv/.asml-bootstrap"
fingerprint=$( { "$python" -VV; echo "$extras"; cat pyproject.toml scripts/bootstrap.sh generator/asml/toolchain/wasmer_llvm.py; } | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" && -x "$venv/bin/python" ]]; then
    exit 0
fi

say "creating $venv with $("$python" -V) ($python)"
rm -rf "$venv"
"$python" -m venv "$venv"
quiet_pip "$venv/bin/python" -m pip install --quiet --upgrade pip
say "installing asml[$extras] (editable)"
quiet_pip "$venv/bin/python" -m pip install --quiet -e ".[$extras]"

# The AWS Lambda Runtime Interface Emulator, for tests: the aws-sam-cli wheel ships its binaries.
install_rie() {
    local arch wheel_dir
    arch=$(uname -m); [[ "$arch" == "aarch64" ]] && arch=arm64
    wheel_dir=$(mktemp -d)
    quiet_pip "$venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: \
        "aws-sam-cli==$SAM_CLI_VERSION" -d "$wheel_dir" || die "cannot download aws-sam-cli (for the Lambda emulator)"
    unzip -q -j -o "$wheel_dir"/aws_sam_cli-*.whl "samcli/local/rapid/aws-lambda-rie-$arch" -d "$wheel_dir" \
        || die "the aws-sam-cli wheel has no aws-lambda-rie-$arch"
    install -m 0755 "$wheel_dir/aws-lambda-rie-$arch" "$venv/bin/aws-lambda-rie"
    rm -rf "$wheel_dir"
}
SAM_CLI_VERSION=1.170.0
say "installing the Lambda runtime interface emulator (aws-sam-cli $SAM_CLI_VERSION)"
install_rie

if (( ! compat )); then
    if [[ "$(uname -m)" != "x86_64" ]]; then
        die "the wasmer engines need an x86_64 machine (this is $(uname -m))"
    fi
    say "repairing and checking wasmer-compiler-llvm"
    "$venv/bin/python" -m asml.toolchain.wasmer_llvm >&2 || die "wasmer's LLVM compiler does not work; see above"
    "$venv/bin/python" - <<'PY' || die "the wasmer or wasmtime engine does not work; see above"
import wasmer, wasmer_compiler_cranelift, wasmer_compiler_singlepass, wasmtime
engine = wasmtime.Engine()
module = wasmtime.Module(engine, '(module (func (export "one") (result i32) i32.const 1))')
store = wasmtime.Store(engine)
assert wasmtime.Instance(store, module, []).exports(store)["one"](store) == 1
PY
fi

echo "$fingerprint" > "$stamp"
say "$venv is ready"
