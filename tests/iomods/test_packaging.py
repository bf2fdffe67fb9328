"""IOmod packages (``asml pack iomod``), a service's IOmods in the build, the IOmod layer,
and a guest calling DynamoDB on the Lambda emulator with the layers asml builds."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from asml.build.pipeline import Builder
from asml.iomods.service import IOMODS_DIR
from asml.manifest import load_project
from asml.package.project import package
from asml.package.zips import extract
from tests.conftest import RunAsml
from tests.iomods.conftest import PROJECT
from tests.lambda_emulator import lambda_emulator
from tests.runtime.conftest import AVAILABLE_ENGINES

ECHO = PROJECT / "services" / "io" / "echo_iomod"


def test_pack_iomod_writes_a_deterministic_package(run_asml: RunAsml, tmp_path: Path) -> None:
    first = run_asml("pack", "iomod", str(ECHO), "--out", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    assert run_asml("pack", "iomod", str(ECHO), "--out", str(tmp_path / "b")).exit_code == 0
    name = "acme.test.echo-0.2.0.iomod.zip"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "tag" in first.output and "logs:PutLogEvents" in first.output
    # every file the package holds is listed, with its size
    main_size = (ECHO / "main.py").stat().st_size
    assert f"files (2):\n  iomod.json  697 B\n  main.py     {main_size} B\nwrote " in (first.output)
    with zipfile.ZipFile(tmp_path / "a" / name) as archive:
        assert sorted(archive.namelist()) == ["iomod.json", "main.py"]
        manifest = json.loads(archive.read("iomod.json"))
    assert manifest["coordinates"] == "acme.test.echo"
    assert manifest["command"] == ["python", "main.py"]
    assert manifest["calls"]["tag"]["actions"] == ["logs:PutLogEvents"]
    assert manifest["calls"]["slow"]["input"] == {"type": "number"}


def test_pack_iomod_explains_a_folder_without_iomod_toml(run_asml: RunAsml, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_asml("pack", "iomod", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "no iomod.toml" in result.output
    assert "Traceback" not in result.output


def test_pack_iomod_names_a_bad_key(run_asml: RunAsml, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "iomod.toml").write_text(
        '[iomod]\ncoordinates = "Not-Valid"\nversion = "1"\ncommand = ["x"]\n', encoding="utf-8"
    )
    result = run_asml("pack", "iomod", str(folder))
    assert result.exit_code == 1
    assert "iomod.toml [iomod]: `coordinates` 'Not-Valid' must look like org.namespace.name" in (
        result.output
    )


def test_a_packed_iomod_can_be_used_by_path(tmp_path: Path, run_asml: RunAsml) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    service = root / "services" / "io"
    run_asml("pack", "iomod", str(service / "echo_iomod"), "--out", str(service / "dist"))
    shutil.rmtree(service / "echo_iomod")
    toml = (service / "service.toml").read_text(encoding="utf-8")
    toml = toml.replace('path = "echo_iomod"', 'path = "dist/acme.test.echo-0.2.0.iomod.zip"')
    (service / "service.toml").write_text(
        toml + '\n[functions.relay]\nlanguage = "c"\nengine = "wasmtime"\niomods = ["echo"]\n',
        encoding="utf-8",
    )
    Builder(load_project(root)).build()
    laid_out = root / ".asml" / "build" / "io" / IOMODS_DIR
    assert sorted(p.name for p in laid_out.iterdir()) == sorted(
        ["acme.test.echo", "acme.test.sleepy", "akkoro.aws.dynamodb", "akkoro.aws.s3",
         "akkoro.aws.secretsmanager", "akkoro.std.crypto", "akkoro.std.http"]
    )  # fmt: skip
    assert (laid_out / "acme.test.echo" / "main.py").is_file()
    declared = json.loads((root / ".asml/build/io/relay/iomods.json").read_text(encoding="utf-8"))
    assert declared == {
        "iomods": [{"coordinates": "acme.test.echo", "name": "echo", "version": "0.2.0"}]
    }


def test_a_local_iomods_version_mismatch_fails_the_build_with_the_key(tmp_path: Path) -> None:
    from asml.errors import AsmlError

    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    toml = root / "services" / "io" / "service.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'path = "echo_iomod"', 'path = "echo_iomod"\nversion = "9.9.9"'
        )
        + '\n[functions.relay]\nlanguage = "c"\nengine = "wasmtime"\n',
        encoding="utf-8",
    )
    with pytest.raises(AsmlError) as caught:
        Builder(load_project(root)).build()
    assert "service.toml: iomods.echo.version asks for 9.9.9, but the IOmod is version 0.2.0" in (
        str(caught.value)
    )


def test_a_standard_iomod_pinned_at_another_version_is_asmls_own(
    tmp_path: Path, run_asml: RunAsml
) -> None:
    """AssemblyLift projects pin akkoro.std.http 0.3.0 and the like: asml runs its own build
    and `asml check` says so (before, check passed and the build failed)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    toml = root / "services" / "io" / "service.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.3.0"')
        + '\n[functions.relay]\nlanguage = "c"\nengine = "wasmtime"\niomods = ["crypto"]\n',
        encoding="utf-8",
    )
    checked = run_asml("-C", str(root), "check")
    assert checked.exit_code == 0, checked.output
    assert (
        "note: services/io/service.toml: `iomods.crypto.version`: asml runs its own"
        " akkoro.std.crypto, version 0.1.0" in checked.output
    )
    Builder(load_project(root)).build()
    declared = json.loads((root / ".asml/build/io/relay/iomods.json").read_text(encoding="utf-8"))
    assert declared["iomods"][0]["version"] == "0.1.0"


@pytest.fixture(scope="module")
def packaged(relay_project: Path) -> Any:
    from asml.build.pipeline import CACHE_DIR

    results = Builder(load_project(relay_project)).build()
    out = relay_project / ".asml" / "package"
    return package(load_project(relay_project), results, out, relay_project / CACHE_DIR)


def test_the_iomod_layer_is_deterministic_and_complete(packaged: Any, relay_project: Path) -> None:

    names = sorted(layer.path.name for layer in packaged.iomod_layers.values())
    # One per Lambda runtime the service's functions use: provided.al2023 for wasmer (by
    # default), python3.10 for wasmer chosen so, python3.12 for wasmtime.
    expected = ["asml-iomods-iotest-io-python312-x86_64.zip"]
    if "wasmer-llvm" in AVAILABLE_ENGINES:
        expected = [
            "asml-iomods-iotest-io-provided_al2023-x86_64.zip",
            "asml-iomods-iotest-io-python310-x86_64.zip",
            *expected,
        ]
    assert names == expected
    for spec, layer in packaged.iomod_layers.items():
        with zipfile.ZipFile(layer.path) as archive:
            names_in = set(archive.namelist())
        assert "asml/iomods/akkoro.aws.dynamodb/iomod.json" in names_in
        assert "asml/iomods/acme.test.echo/main.py" in names_in
        assert "python/asml_iomods/iomod.capnp" in names_in
        assert any(n.startswith("python/capnp/") for n in names_in)
        assert any(n.startswith("python/pydantic_core/") for n in names_in)
        assert not any(n.endswith(".pyc") for n in names_in)
        # Lambda's Python runtimes have boto3; a custom runtime has no Python, so it comes along.
        has_boto3 = "python/boto3/__init__.py" in names_in and any(
            n.startswith("python/botocore/") for n in names_in
        )
        assert has_boto3 == spec.runtime.custom, spec.name
    project = load_project(relay_project)
    # A cache of its own: the layer is built again, not copied from the first one's cache.
    again = package(
        project, Builder(project).build(), relay_project / "again", relay_project / "cache-2"
    )
    assert [r.sha256 for r in again.iomod_layers.values()] == [
        r.sha256 for r in packaged.iomod_layers.values()
    ]
    relay = next(f for f in packaged.functions if f.function.startswith("io.relay"))
    with zipfile.ZipFile(relay.zip.path) as archive:
        assert "iomods.json" in archive.namelist()


# The layers hold native wheels for CPython 3.10, so this runs in the full (3.10) suite: on
# asml's custom runtime (the interpreter layer's CPython, and boto3 from the IOmod layer)
# and on Lambda's managed python3.10 (this machine's CPython, its boto3).
@pytest.mark.wasmer
@pytest.mark.parametrize("function_name", ["io.relay-wasmer-llvm", "io.relay-python310"])
def test_on_the_lambda_emulator_a_guest_uses_dynamodb_through_the_layers(
    aws: str, packaged: Any, relay_project: Path, tmp_path: Path, function_name: str
) -> None:
    table = f"items-{function_name.rsplit('-', 1)[-1]}"
    boto3.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    function = next(f for f in packaged.functions if f.function == function_name)
    opt = tmp_path / "opt"  # as Lambda extracts layers
    layers = [packaged.layers[function.layer], packaged.iomod_layers[function.iomod_layer]]
    if function.needs_interpreter:
        layers.insert(0, packaged.interpreter_layers[function.layer.architecture])
    for layer in layers:
        extract(layer.path, opt)
    task = tmp_path / "task"
    with zipfile.ZipFile(function.zip.path) as archive:
        archive.extractall(task)
    environment = {"ASML_IOMOD_PATH": str(opt / "asml" / "iomods"), "AWS_ENDPOINT_URL": aws}
    where: dict[str, Any] = (
        {"bootstrap": opt / "bootstrap"}
        if function.needs_interpreter
        else {"pythonpath": opt / "python"}
    )
    with lambda_emulator(task, log=tmp_path / "emulator.log", env=environment, **where) as emulator:
        item = {"id": {"S": "1"}, "v": {"S": "from lambda"}}
        put = emulator.invoke(
            [["akkoro.aws.dynamodb.put_item", {"TableName": table, "Item": item}]]
        )
        assert put.body == [{"ok": {}}], emulator.log()
        got = emulator.invoke(
            [["akkoro.aws.dynamodb.get_item", {"TableName": table, "Key": {"id": {"S": "1"}}}]]
        )
        assert got.body == [{"ok": {"Item": item}}]
        log = emulator.log()
    assert "Traceback" not in log


def _hostile_package(tmp_path: Path, run_asml: RunAsml, name: str, *, link: bool = False) -> Path:
    """The echo IOmod, packed, with one more entry named ``name`` (a symlink if ``link``)."""
    run_asml("pack", "iomod", str(ECHO), "--out", str(tmp_path / "good"))
    good = tmp_path / "good" / "acme.test.echo-0.2.0.iomod.zip"
    hostile = tmp_path / "hostile.iomod.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        entry = zipfile.ZipInfo(name)
        entry.create_system = 3
        entry.external_attr = (0o120777 if link else 0o100644) << 16
        target.writestr(entry, "/etc/passwd" if link else "owned = True\n")
    return hostile


@pytest.mark.parametrize(
    ("name", "link", "problem"),
    [
        ("../../escaped.py", False, 'a path with ".."'),
        ("lib/../../../escaped.py", False, 'a path with ".."'),
        ("<absolute>", False, "an absolute path"),
        ("passwd", True, "a symlink"),
    ],
)
def test_a_hostile_iomod_package_is_refused_and_nothing_is_written(
    tmp_path: Path, run_asml: RunAsml, name: str, link: bool, problem: str
) -> None:
    from asml.errors import AsmlError

    if name == "<absolute>":  # inside this test's folder, so a failure leaves nothing behind
        name = str(tmp_path / "absolute" / "escaped.py")
    root = tmp_path / "deep" / "project"
    shutil.copytree(PROJECT, root)
    service = root / "services" / "io"
    hostile = _hostile_package(tmp_path, run_asml, name, link=link)
    toml = (service / "service.toml").read_text(encoding="utf-8")
    toml = toml.replace('path = "echo_iomod"', f'path = "{hostile}"')
    (service / "service.toml").write_text(
        toml + '\n[functions.relay]\nlanguage = "c"\nengine = "wasmtime"\niomods = ["echo"]\n',
        encoding="utf-8",
    )
    with pytest.raises(AsmlError) as caught:
        Builder(load_project(root)).build()
    assert str(caught.value) == (
        f"{service / 'service.toml'}: iomods.echo.path: {hostile}: refusing the entry {name!r},"
        f" {problem}: an IOmod package holds files inside its own folder only; repack it with"
        " `asml pack iomod`"
    )
    assert not list(tmp_path.rglob("escaped.py"))
    assert not (root / ".asml" / "build" / "io" / IOMODS_DIR / "acme.test.echo").exists()


def test_pack_iomod_refuses_a_symlink(tmp_path: Path, run_asml: RunAsml) -> None:
    folder = tmp_path / "echo"
    shutil.copytree(ECHO, folder)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the package\n")
    (folder / "data.txt").symlink_to(secret)
    result = run_asml("pack", "iomod", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{folder / 'data.txt'} is a symlink (to {secret})" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
