"""The digest a code-only deploy trusts: blind to functions' code hashes, to nothing else."""

from __future__ import annotations

from pathlib import Path

from asml.terraform.code_only import configuration_digest

NET = """module "api_hello" {
  source = "./modules/lambda-function"

  function_name    = "${local.prefix}-api-hello"
  source_code_hash = "FUNCTION"
  memory_size      = 256
}

module "runtime_wasmtime_x86_64" {
  source = "./modules/lambda-layer"

  name             = "${local.prefix}-runtime"
  source_code_hash = "LAYER"
}
"""


def _digest(tmp_path: Path, text: str) -> str:
    net = tmp_path / "net"
    (net / "modules" / "lambda-function").mkdir(parents=True, exist_ok=True)
    (net / "service_api.tf").write_text(text)
    (net / "modules" / "lambda-function" / "main.tf").write_text("# the module\n")
    return configuration_digest(net)


def test_only_a_functions_code_hash_is_left_out(tmp_path: Path) -> None:
    base = _digest(tmp_path, NET)
    assert _digest(tmp_path, NET.replace("FUNCTION", "NEW")) == base
    assert _digest(tmp_path, NET.replace("LAYER", "NEW")) != base  # a layer is configuration
    assert _digest(tmp_path, NET.replace("256", "512")) != base
    (tmp_path / "net" / "modules" / "lambda-function" / "main.tf").write_text("# changed\n")
    assert configuration_digest(tmp_path / "net") != base


def test_the_users_own_terraform_is_configuration_too(tmp_path: Path) -> None:
    base = _digest(tmp_path, NET)
    user_tf = tmp_path / "user_tf"
    user_tf.mkdir()
    (user_tf / "main.tf").write_text('output "table_arn" { value = "a" }\n')
    with_user = configuration_digest(tmp_path / "net")
    assert with_user != base
    (user_tf / "main.tf").write_text('output "table_arn" { value = "b" }\n')
    assert configuration_digest(tmp_path / "net") != with_user
