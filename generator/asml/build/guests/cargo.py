"""What a Rust guest's Cargo.toml asks for, resolved the way asml can build it: offline.

asml compiles Rust guests with rustc alone (there is no cargo with a wasm target here and no
crate registry), so a dependency can only be:

- ``asml``, the guest SDK, which every guest is linked with anyway;
- a path dependency, ``name = { path = "..." }``;
- a crate from crates.io (or git) that ``cargo vendor`` has copied into a directory that a
  ``.cargo/config.toml`` (beside the function or above it, up to the project root) names as
  the source replacement for crates.io.

Each such crate is compiled as an rlib with its enabled features as ``--cfg feature="..."``.
Build scripts and procedural macros are not supported: they run on the build machine, which
needs cargo. ``asml check`` and ``asml build`` report the same problems, from here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asml.manifest.problems import KeyPath, Problem

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SDK_CRATE = "asml"
# What `cfg(...)` in `[target.'cfg(...)'.dependencies]` sees when compiling for wasm32-wasi.
_TARGET_CFG = {
    "target_arch": "wasm32",
    "target_os": "wasi",
    "target_family": "wasm",
    "target_env": "",
    "target_vendor": "unknown",
    "target_endian": "little",
    "target_pointer_width": "32",
    "panic": "abort",
}
_TARGET_NAMES = ("wasm32-wasi", "wasm32-wasip1")
_VENDOR_FIX = (
    "vendor it: run `cargo vendor` beside Cargo.toml on a machine with internet and put the"
    ' source replacement it prints (`[source.crates-io] replace-with = "vendored-sources"`)'
    " in .cargo/config.toml there, or make it a path dependency"
)


@dataclass(frozen=True)
class Crate:
    """One library crate to compile, with what it links to."""

    name: str  # its --crate-name
    directory: Path
    root: Path  # the crate root, src/lib.rs unless [lib] path says otherwise
    edition: str
    version: str
    features: tuple[str, ...]
    externs: tuple[tuple[str, Crate], ...]  # (the name its dependent uses, the crate)
    label: str  # its directory relative to the function's source, for stable output


@dataclass
class Resolution:
    main: Crate | None
    problems: list[Problem]

    def dependencies(self) -> list[Crate]:
        """Every crate the guest links, besides the SDK, each after those it needs."""
        order: list[Crate] = []

        def visit(crate: Crate) -> None:
            for _, dependency in crate.externs:
                visit(dependency)
            if crate is not self.main and crate not in order:
                order.append(crate)

        if self.main is not None:
            visit(self.main)
        return order


def resolve(source: Path, project_root: Path) -> Resolution:
    """The crate graph of the guest in ``source``, or the problems that stop it building."""
    return _Resolver(source, project_root).run()


@dataclass
class _Manifest:
    directory: Path
    data: dict[str, Any]
    shown: str  # Cargo.toml's path from the project root, for problems

    @property
    def package(self) -> Mapping[str, Any]:
        package = self.data.get("package")
        return package if isinstance(package, dict) else {}

    @property
    def library(self) -> Mapping[str, Any]:
        library = self.data.get("lib")
        return library if isinstance(library, dict) else {}


@dataclass
class _Node:
    manifest: _Manifest
    main: bool
    requested: set[str] = field(default_factory=set)  # features its dependents ask for
    walked: bool = False


class _Resolver:
    def __init__(self, source: Path, project_root: Path) -> None:
        self.source = source.resolve()
        self.project_root = project_root.resolve()
        self.problems: list[Problem] = []
        self.nodes: dict[Path, _Node] = {}
        self.vendor: tuple[Path, str] | bool | None = False  # False: not looked for yet

    def run(self) -> Resolution:
        main = self._manifest(self.source, main=True)
        if main is None:
            return Resolution(None, self.problems)
        self.nodes[self.source] = _Node(main, True, {"default"}, walked=True)
        # Features decide which optional dependencies count, and dependents decide features:
        # walk until no crate is asked for a feature it was not asked for before.
        pending = [self.source]
        while pending:
            for target, features in self._edges(self.nodes[pending.pop()]).values():
                node = self.nodes[target]
                if node.walked and features <= node.requested:
                    continue
                node.requested |= features
                node.walked = True
                pending.append(target)
        if self.problems:
            return Resolution(None, list(dict.fromkeys(self.problems)))
        return Resolution(self._crate(self.source, {}, ()), [])

    def _crate(self, directory: Path, built: dict[Path, Crate], chain: tuple[Path, ...]) -> Crate:
        if directory in built:
            return built[directory]
        node = self.nodes[directory]
        externs = [
            (alias, self._crate(target, built, (*chain, directory)))
            for alias, (target, _) in sorted(self._edges(node).items())
            if target not in (*chain, directory)  # a cycle: rustc will say so
        ]
        package, library = node.manifest.package, node.manifest.library
        name = str(library.get("name") or package.get("name") or "guest").replace("-", "_")
        enabled, _, _ = _features(node.requested, node.manifest.data)
        crate = Crate(
            name=name,
            directory=directory,
            root=directory / str(library.get("path", "src/lib.rs")),
            edition=str(package.get("edition", "2021" if node.main else "2015")),
            version=str(package.get("version", "0.0.0")),
            features=tuple(sorted(enabled)),
            externs=tuple(externs),
            label=Path(os.path.relpath(directory, self.source)).as_posix(),
        )
        built[directory] = crate
        return crate

    def _edges(self, node: _Node) -> dict[str, tuple[Path, set[str]]]:
        """What one crate links to: {the name it uses: (the crate's folder, features it asks)}."""
        manifest = node.manifest
        _, turned_on, asked = _features(node.requested, manifest.data)
        edges: dict[str, tuple[Path, set[str]]] = {}
        for key, name, spec in _dependencies(manifest.data):
            table = spec if isinstance(spec, dict) else {}
            if name == SDK_CRATE or (table.get("optional") is True and name not in turned_on):
                continue
            found = self._locate(manifest, key, name, spec)
            if found is None:
                continue
            target, crate_name = found
            features = set(asked.get(name, ()))
            features |= {f for f in table.get("features", []) if isinstance(f, str)}
            if table.get("default-features", table.get("default_features", True)) is not False:
                features.add("default")
            alias = name if "package" in table else crate_name
            edges[alias.replace("-", "_")] = (target, features)
        return edges

    def _locate(
        self, manifest: _Manifest, key: KeyPath, name: str, spec: Any
    ) -> tuple[Path, str] | None:
        """The directory of a dependency's source (read and checked), and its crate name."""

        def problem(message: str) -> None:
            self.problems.append(Problem(manifest.shown, key, message))

        if isinstance(spec, dict) and spec.get("workspace") is True:
            problem(
                f"{name} is inherited from a workspace, which asml does not read; give it here,"
                f' as a path dependency: `{name} = {{ path = "..." }}`'
            )
            return None
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            directory = (manifest.directory / spec["path"]).resolve()
            shown = spec["path"]
            if not (directory / "Cargo.toml").is_file():
                problem(f"{shown} has no Cargo.toml; `path` must name the folder of a crate")
                return None
        elif not isinstance(spec, (str, dict)):
            problem(f'{name} must be a version string or a table, such as `{{ path = "..." }}`')
            return None
        else:
            vendored = self._vendored(spec.get("package", name) if isinstance(spec, dict) else name)
            if vendored is None:
                problem(f"{name} {_origin(spec)}, but asml builds Rust functions offline, with"
                        " rustc alone: there is no crate registry (and no cargo) here; "
                        f'{_VENDOR_FIX}: `{name} = {{ path = "..." }}`')  # fmt: skip
                return None
            if isinstance(vendored, str):
                problem(vendored)
                return None
            directory, shown = vendored, self._shown(vendored)
        target = self.nodes.get(directory)
        if target is None:
            read = self._manifest(directory, main=False)
            if read is None:
                return None
            target = self.nodes[directory] = _Node(read, False)
        library, package = target.manifest.library, target.manifest.package
        crate_name = str(library.get("name") or package.get("name") or name)
        return directory, crate_name.replace("-", "_")

    def _vendored(self, package: str) -> Path | str | None:
        """Where ``cargo vendor`` put ``package``; a problem when the replacement exists but the
        crate is not in it; None when there is no source replacement."""
        if self.vendor is False:
            self.vendor = self._source_replacement()
        if not isinstance(self.vendor, tuple):
            return None
        directory, config = self.vendor
        # `cargo vendor` writes NAME/, or NAME-VERSION/ when two versions are vendored: a
        # folder such as NAME-derive/ is another crate
        versioned = [p for p in sorted(directory.glob(f"{package}-*"))
                     if p.name[len(package) + 1 : len(package) + 2].isdigit()]  # fmt: skip
        for candidate in [directory / package, *versioned]:
            if (candidate / "Cargo.toml").is_file():
                return candidate.resolve()
        return (
            f"{package} is not in {self._shown(directory)}/, where {config} says vendored crates"
            " are; run `cargo vendor` again on a machine with internet"
        )

    def _source_replacement(self) -> tuple[Path, str] | None:
        """The directory .cargo/config.toml puts in place of crates.io, from the function's
        folder up to the project root (the nearest wins, as with cargo)."""
        directory, root = self.source, self.project_root
        while True:
            for name in ("config.toml", "config"):
                config = directory / ".cargo" / name
                if config.is_file():
                    found = self._replacement_in(config, directory)
                    if found is not None:
                        return found
            if directory == root or directory.parent == directory:
                return None
            directory = directory.parent

    def _replacement_in(self, config: Path, base: Path) -> tuple[Path, str] | None:
        shown = self._shown(config)
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            self.problems.append(Problem(shown, (), f"cannot be read: {error}"))
            return None
        sources = data.get("source")
        if not isinstance(sources, dict) or not isinstance(sources.get("crates-io"), dict):
            return None
        replacement = sources["crates-io"].get("replace-with")
        target = sources.get(replacement) if isinstance(replacement, str) else None
        if not isinstance(target, dict) or not isinstance(target.get("directory"), str):
            message = (
                "asml can only use a local directory in place of crates.io: name a"
                ' [source.NAME] with `directory = "vendor"`, as `cargo vendor` prints'
            )
            self.problems.append(Problem(shown, ("source", "crates-io", "replace-with"), message))
            return None
        return (base / target["directory"]).resolve(), shown

    def _manifest(self, directory: Path, *, main: bool) -> _Manifest | None:
        """A crate's Cargo.toml, read, with what asml cannot build from it reported."""
        path = directory / "Cargo.toml"
        shown = self._shown(path)

        def problem(key: KeyPath, message: str) -> None:
            self.problems.append(Problem(shown, key, message))

        if not path.is_file():
            problem((), "is missing; a Rust function needs one, with a [package] name")
            return None
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problem((), f"cannot be read: {error}")
            return None
        manifest = _Manifest(directory, data, shown)
        package, library = manifest.package, manifest.library
        what = "this function" if main else str(package.get("name", directory.name))
        root = str(library.get("path", "src/lib.rs"))
        if not main and not (directory / root).is_file():  # the builder says so of its own
            problem(("lib", "path"), f"{root} does not exist; {what} must be a library crate")
        if library.get("proc-macro") is True:
            problem(("lib", "proc-macro"), f"{what} is a procedural macro, which runs on the"
                    " build machine; asml compiles with rustc for wasm32-wasi only, so it cannot"
                    " be used")  # fmt: skip
        build = package.get("build", "build.rs" if (directory / "build.rs").is_file() else False)
        if build is not False:
            problem(("package", "build"), f"{what} has a build script ({build}), which asml"
                    " does not run (it compiles with rustc, not cargo); use a crate without"
                    " one")  # fmt: skip
        if not isinstance(package.get("edition", ""), str):
            problem(("package", "edition"), 'must be a string such as "2021"'
                    " (asml does not read workspaces)")  # fmt: skip
        return manifest

    def _shown(self, path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), self.project_root)).as_posix()


def _origin(spec: Any) -> str:
    if isinstance(spec, dict) and "git" in spec:
        return f"would come from git ({spec['git']})"
    if isinstance(spec, dict) and "registry" in spec:
        return f"would come from the registry {spec['registry']}"
    return "would come from crates.io"


def _dependencies(data: Mapping[str, Any]) -> Iterable[tuple[KeyPath, str, Any]]:
    """(key, name, spec) for every dependency that applies to wasm32-wasi."""
    tables: list[tuple[KeyPath, Any]] = [(("dependencies",), data.get("dependencies"))]
    targets = data.get("target")
    if isinstance(targets, dict):
        for condition, table in sorted(targets.items()):
            if isinstance(table, dict) and _applies(condition):
                tables.append((("target", condition, "dependencies"), table.get("dependencies")))
    for prefix, table in tables:
        if isinstance(table, dict):
            for name, spec in sorted(table.items()):
                yield (*prefix, name), name, spec


def _features(
    requested: Iterable[str], data: Mapping[str, Any]
) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """The features enabled, the optional dependencies they turn on, and the features they
    ask of each dependency (``dep/feature``), as cargo expands them."""
    features = data.get("features")
    table: Mapping[str, Any] = features if isinstance(features, dict) else {}
    optional = {name for _, name, spec in _dependencies(data)
                if isinstance(spec, dict) and spec.get("optional") is True}  # fmt: skip
    explicit = {v[4:] for values in table.values() if isinstance(values, list)
                for v in values if isinstance(v, str) and v.startswith("dep:")}  # fmt: skip
    enabled: set[str] = set()
    dependencies: set[str] = set()
    asked: dict[str, set[str]] = {}
    weak: list[tuple[str, str]] = []
    stack = list(requested)
    while stack:
        feature = stack.pop()
        if feature.startswith("dep:"):
            dependencies.add(feature[4:])
        elif "/" in feature:
            dependency, wanted = feature.split("/", 1)
            if dependency.endswith("?"):
                weak.append((dependency[:-1], wanted))
                continue
            if dependency in optional:
                dependencies.add(dependency)
                if dependency not in explicit:
                    enabled.add(dependency)
            asked.setdefault(dependency, set()).add(wanted)
        elif feature not in enabled:
            if feature in table:
                enabled.add(feature)
                stack.extend(v for v in table[feature] if isinstance(v, str))
            elif feature in optional and feature not in explicit:
                enabled.add(feature)
                dependencies.add(feature)
    for dependency, wanted in weak:
        if dependency in dependencies or dependency not in optional:
            asked.setdefault(dependency, set()).add(wanted)
    return enabled, dependencies, asked


def _applies(condition: str) -> bool:
    """Whether ``[target.<condition>]`` applies to wasm32-wasi."""
    condition = condition.strip()
    if not (condition.startswith("cfg(") and condition.endswith(")")):
        return condition in _TARGET_NAMES
    try:
        value, rest = _cfg(_tokens(condition[4:-1]))
    except (IndexError, ValueError):
        return False
    return value and not rest


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "(),=":
            tokens.append(char)
            index += 1
        elif char == '"':
            end = text.index('"', index + 1)
            tokens.append(text[index : end + 1])
            index = end + 1
        else:
            end = index
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            if end == index:
                raise ValueError(char)
            tokens.append(text[index:end])
            index = end
    return tokens


def _cfg(tokens: list[str]) -> tuple[bool, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head in ("all", "any", "not") and rest and rest[0] == "(":
        rest = rest[1:]
        values = []
        while rest[0] != ")":
            value, rest = _cfg(rest)
            values.append(value)
            if rest[0] == ",":
                rest = rest[1:]
        rest = rest[1:]
        if head == "not":
            return (not values[0] if len(values) == 1 else False), rest
        return (all(values) if head == "all" else any(values)), rest
    if rest and rest[0] == "=":
        return _TARGET_CFG.get(head) == rest[1].strip('"'), rest[2:]
    return head == "wasm", rest


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
