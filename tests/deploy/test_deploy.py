"""plan -> apply -> plan (nothing) -> change one function -> plan (exactly that) -> apply ->
destroy, against moto with the real Terraform and AWS provider; stages; failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asml.scaffold.project import InitOptions, init_project
from tests.conftest import RunAsml
from tests.deploy.conftest import client, deployed, hash_in_net, make_project
from tests.terraform import Terraform

LOCAL = ("--target", "local")


def _json(output: str) -> dict[str, object]:
    start = output.index("{")
    return json.loads(output[start : output.rindex("}") + 1])  # type: ignore[no-any-return]


def test_the_whole_cycle(tmp_path: Path, local_aws: str, run_asml: RunAsml) -> None:
    root = make_project(tmp_path, local_aws)

    planned = run_asml("plan", *LOCAL, "--json", "--detailed-exitcode", cwd=root)
    assert planned.exit_code == 2, planned.output
    summary = _json(planned.output)
    assert summary["new_functions"] == ["api.bye", "api.hello"]
    # a layer; per function: itself, its log group, role and policy; the API, its stage, and
    # per route an integration, a route and a permission
    assert summary["changes"] == {"add": 18, "change": 0, "destroy": 0}

    applied = run_asml("apply", *LOCAL, cwd=root)
    assert applied.exit_code == 0, applied.output
    assert "Endpoints:" in applied.output and "api.hello  asml-shop-api-hello" in applied.output
    assert deployed(local_aws)["functions"] == ["asml-shop-api-bye", "asml-shop-api-hello"]

    shutil.rmtree(root / ".asml")  # what a user clearing the build cache does
    again = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output

    (root / "terraform-state").rename(tmp_path / "elsewhere")
    lost = run_asml("plan", *LOCAL, cwd=root)
    assert lost.exit_code == 1, lost.output
    assert (
        "Error: stage default (local) has no Terraform state"
        " (terraform-state/_default-local/terraform.tfstate), but"
    ) in lost.output
    assert "asml:project=shop, asml:stage=default already exist in us-east-1:" in lost.output
    assert "log-group:/aws/lambda/asml-shop-api-hello" in lost.output
    assert "Planning now would create them all again." in lost.output
    # where asml kept state before: moved to terraform-state/ and used
    (root / ".asml" / "state").mkdir(parents=True)
    (tmp_path / "elsewhere" / "_default-local").rename(root / ".asml/state/_default-local")
    moved = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert moved.exit_code == 0, moved.output
    assert "Moved stage default (local)'s Terraform state from .asml/state/ to" in moved.output
    assert (root / "terraform-state" / "_default-local" / "terraform.tfstate").is_file()

    source = root / "services" / "api" / "hello" / "main.c"
    source.write_text(source.read_text().replace("Hello", "Howdy"))
    changed = run_asml("plan", *LOCAL, "--json", "--detailed-exitcode", cwd=root)
    assert changed.exit_code == 2, changed.output
    summary = _json(changed.output)
    assert summary["code_changed"] == ["api.hello"]
    assert summary["changes"] == {"add": 0, "change": 1, "destroy": 0}
    assert [g["name"] for g in summary["groups"]] == ["api.hello"]  # type: ignore[attr-defined]

    assert run_asml("apply", *LOCAL, cwd=root).exit_code == 0
    code = client(local_aws, "lambda").get_function(FunctionName="asml-shop-api-hello")
    assert code["Configuration"]["CodeSha256"] == hash_in_net(root, "hello")

    destroyed = run_asml("destroy", *LOCAL, "--yes", cwd=root)
    assert destroyed.exit_code == 0, destroyed.output
    assert deployed(local_aws) == {
        "functions": [], "layers": [], "roles": [], "apis": [], "log groups": []
    }  # fmt: skip

    gone = run_asml("outputs", *LOCAL, cwd=root)
    assert gone.exit_code == 1
    assert gone.stderr.endswith(
        "Error: stage default (local) has no outputs: it was not applied; run"
        " `asml deploy --target local`\n"
    )
    # AWS's tagging index lists deleted resources for a while: a destroyed stage (its state
    # kept, empty) plans again rather than being taken for one whose state was lost
    client(local_aws, "logs").create_log_group(
        logGroupName="/aws/lambda/asml-shop-api-hello",
        tags={"asml:project": "shop", "asml:stage": "default"},
    )
    replanned = run_asml("plan", *LOCAL, cwd=root)
    assert replanned.exit_code == 0, replanned.output


def test_apply_refuses_a_plan_the_project_no_longer_matches(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    assert run_asml("plan", *LOCAL, cwd=root).exit_code == 0
    source = root / "services" / "api" / "bye" / "main.c"
    source.write_text(source.read_text().replace("Hello", "Bye"))
    refused = run_asml("apply", *LOCAL, cwd=root)
    assert refused.exit_code == 1
    assert "the project changed since `asml plan`" in refused.output
    assert deployed(local_aws)["functions"] == []


def test_apply_without_a_plan_says_what_to_do(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    result = run_asml("apply", *LOCAL, cwd=root)
    assert result.exit_code == 1
    assert "there is no saved plan for stage default (local); run `asml plan --target local`" in (
        result.output
    )


def test_a_terraform_failure_exits_non_zero_with_terraforms_message(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws, '\n[stages.bad]\nregion = "xx-nowhere-1"\n')
    result = run_asml("plan", "--stage", "bad", *LOCAL, cwd=root)
    assert result.exit_code == 1
    assert "terraform plan failed:\ninvalid AWS Region: xx-nowhere-1" in result.output
    assert "Traceback" not in result.output


def test_two_stages_coexist_and_destroy_independently(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    stages = '\n[stages.dev]\ntarget = "local"\n\n[stages.prod]\ntarget = "local"\n'
    stages += 'environment = { LOG_LEVEL = "warn" }\n'
    root = make_project(tmp_path, local_aws, stages)
    for stage in ("dev", "prod"):
        assert run_asml("plan", "--stage", stage, cwd=root).exit_code == 0
        applied = run_asml("apply", "--stage", stage, cwd=root)
        assert applied.exit_code == 0, applied.output
    assert deployed(local_aws)["functions"] == [
        "asml-shop-dev-api-bye", "asml-shop-dev-api-hello",
        "asml-shop-prod-api-bye", "asml-shop-prod-api-hello",
    ]  # fmt: skip
    prod = client(local_aws, "lambda").get_function(FunctionName="asml-shop-prod-api-hello")
    assert prod["Configuration"]["Environment"]["Variables"] == {"LOG_LEVEL": "warn"}
    which = run_asml("outputs", cwd=root)
    assert which.exit_code == 1
    assert which.stderr == (
        "Error: stage default has not been applied; these have: dev (local) (`--stage dev"
        " --target local`), prod (local) (`--stage prod --target local`). Name one with --stage"
        " and --target\n"
    )

    # Terraform by hand on a stage gets the stage's variables: an apply without them would
    # rename (replace) every resource to the default stage's names
    by_hand = subprocess.run(
        [sys.executable, "-m", "asml", "tf", "--stage", "prod", "--", "apply", "-auto-approve",
         "-input=false"], cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert by_hand.returncode == 0, by_hand.stderr
    assert "0 added, 0 changed, 0 destroyed" in by_hand.stdout
    # a by-hand init keeps the stage's own state
    init = subprocess.run(
        [sys.executable, "-m", "asml", "tf", "--stage", "prod", "--", "init", "-input=false"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    unchanged = run_asml("plan", "--stage", "prod", "--detailed-exitcode", cwd=root)
    assert unchanged.exit_code == 0, unchanged.output

    assert run_asml("destroy", "--stage", "dev", "--yes", cwd=root).exit_code == 0
    only = run_asml("outputs", cwd=root)
    assert only.exit_code == 0, only.output
    assert "asml-shop-prod-api-hello" in only.stdout
    left = deployed(local_aws)
    assert left["functions"] == ["asml-shop-prod-api-bye", "asml-shop-prod-api-hello"]
    assert all("-dev-" not in name for names in left.values() for name in names)
    no_changes = run_asml("plan", "--stage", "prod", "--detailed-exitcode", cwd=root)
    assert no_changes.exit_code == 0, no_changes.output

    assert run_asml("destroy", "--stage", "prod", "--yes", cwd=root).exit_code == 0
    assert deployed(local_aws)["functions"] == []


def test_state_in_s3_with_a_lock_table_per_stage(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    extra = '\n[terraform]\nstate_bucket = "shop-state"\nlock_table = "shop-locks"\n'
    extra += '\n[stages.dev]\ntarget = "local"\n'
    root = make_project(tmp_path, local_aws, extra)
    assert run_asml("plan", "--stage", "dev", cwd=root).exit_code == 0
    assert run_asml("apply", "--stage", "dev", cwd=root).exit_code == 0
    objects = client(local_aws, "s3").list_objects_v2(Bucket="shop-state")["Contents"]
    assert [o["Key"] for o in objects] == ["asml/shop/dev/terraform.tfstate"]
    outputs = run_asml("outputs", "--stage", "dev", "--json", cwd=root)
    assert outputs.exit_code == 0, outputs.output
    assert _json(outputs.output)["functions"]["api.hello"]["name"] == "asml-shop-dev-api-hello"  # type: ignore[index]
    assert run_asml("destroy", "--stage", "dev", "--yes", cwd=root).exit_code == 0
    assert deployed(local_aws)["functions"] == []


def test_no_local_aws_is_a_clear_error(tmp_path: Path, local_aws: str, run_asml: RunAsml) -> None:
    root = make_project(tmp_path, "http://127.0.0.1:9")
    result = run_asml("plan", *LOCAL, cwd=root)
    assert result.exit_code == 1
    assert result.stderr == (
        "Planning stage default (local) in us-east-1 ...\n"
        "Error: nothing answers at http://127.0.0.1:9 ([Errno 111] Connection refused), the"
        " [local] endpoint of the local target; start a local AWS there, e.g."
        " `MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p 9` (the managed"
        " policies are those the functions' roles attach), or set [local] endpoint in"
        " assemblylift.toml\n"
    )
    assert not (root / ".asml" / "build").exists()  # said before building anything


def test_missing_terraform_is_a_clear_error(
    tmp_path: Path, local_aws: str, run_asml: RunAsml, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("ASML_TERRAFORM", str(tmp_path / "no-terraform"))
    root = make_project(tmp_path, local_aws)
    result = run_asml("plan", *LOCAL, cwd=root)
    assert result.exit_code == 1
    assert "ASML_TERRAFORM=" in result.output and "is not an executable" in result.output


@pytest.mark.wasmer
def test_wasmer_deploys_on_the_custom_runtime_with_both_layers(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = init_project(tmp_path / "fast", InitOptions(language="c", engine="wasmer-llvm"))
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text() + f'\n[local]\nendpoint = "{local_aws}"\n')
    planned = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert planned.exit_code == 2, planned.output
    assert run_asml("apply", *LOCAL, cwd=root).exit_code == 0

    lambdas = client(local_aws, "lambda")
    function = lambdas.get_function(FunctionName="asml-fast-api-hello")["Configuration"]
    assert function["Runtime"] == "provided.al2023"
    assert function["Handler"] == "asml_runtime.lambda_handler.handler"
    layer_names = [layer["Arn"].split(":")[-2] for layer in function["Layers"]]
    # The interpreter first: the runtime layer's bootstrap starts it.
    assert layer_names == ["asml-fast-python310-x86_64", "asml-fast-runtime-wasmer-x86_64"]
    for name in layer_names:
        (version,) = lambdas.list_layer_versions(LayerName=name)["LayerVersions"]
        assert version["CompatibleRuntimes"] == ["provided.al2023"]

    again = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert again.exit_code == 0, again.output
    assert run_asml("destroy", *LOCAL, "--yes", cwd=root).exit_code == 0
    assert deployed(local_aws) == {
        "functions": [], "layers": [], "roles": [], "apis": [], "log groups": []
    }  # fmt: skip


@pytest.mark.wasmer
def test_aws_refuses_an_interpreter_that_needs_a_newer_glibc(
    tmp_path: Path, terraform_config: Terraform, monkeypatch: pytest.MonkeyPatch,
    run_asml: RunAsml,
) -> None:  # fmt: skip
    # The tests' interpreter is this machine's CPython 3.10, built against glibc 2.36: fine for
    # the local target, refused for AWS before Terraform is asked anything.
    for key in ("TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE"):
        monkeypatch.setenv(key, terraform_config.env[key])
    root = init_project(tmp_path / "fast", InitOptions(language="c", engine="wasmer-llvm"))
    result = run_asml("plan", cwd=root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "Error: refusing to deploy to AWS: 1 layer would not load on Lambda:\n"
        "  layers/asml-python3.10-x86_64.zip: asml/python3.10/lib/libpython3.10.so.1.0 needs"
        " GLIBC_2.35 (hypot)"
    ) in result.output
    assert "Lambda's provided.al2023 has glibc 2.34" in result.output
    # The runtime layer (the wasmer wheel, manylinux_2_24) passes: it is not named.
    assert "asml-runtime-wasmer" not in result.output
    assert not (root / ".asml" / "terraform" / "default" / "plan.tfplan").exists()
    # asml cast and asml check warn, naming the same file and symbol.
    cast = run_asml("cast", cwd=root)
    assert cast.exit_code == 0, cast.output
    assert (
        "warning: layers/asml-python3.10-x86_64.zip: asml/python3.10/lib/libpython3.10.so.1.0"
        " needs GLIBC_2.35 (hypot)"
    ) in cast.stderr
    checked = run_asml("check", cwd=root)
    assert checked.exit_code == 0
    assert checked.stderr.startswith(
        "warning: .asml/package/layers/asml-python3.10-x86_64.zip:"
        " asml/python3.10/lib/libpython3.10.so.1.0 needs GLIBC_2.35 (hypot)"
    )
    assert "`asml plan` and `asml apply` refuse it for AWS" in checked.stderr
    assert checked.stdout == 'Project "fast": 1 service, 1 function; 1 warning.\n'


def test_the_local_target_never_sees_the_real_session_or_profile(
    tmp_path: Path, local_aws: str, run_asml: RunAsml, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real session token and profile must not reach the local endpoint beside the test keys.
    # The profile does not exist here: had it reached Terraform, its AWS provider would fail.
    monkeypatch.setenv("AWS_PROFILE", "asml-test-no-such-profile")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-session-token")
    root = make_project(tmp_path, local_aws)
    planned = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert planned.exit_code == 2, planned.output
    assert "asml-test-no-such-profile" not in planned.output
