"""The package's layers: imports only go down (docs/ARCHITECTURE.md).

Every import in ``src/staticapi`` (module level and inside functions, relative or absolute) is
resolved to the module it names and checked against the layer order below. A module may import
its own layer and any layer under it, never one above (so ``kube``, the lowest, imports nothing
else of ours); no module reaches into another layer's private (``_name``) helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "staticapi"

# lowest first; the composition root (server.py, cli.py) sits on top of everything
LAYERS = ["kube", "source", "store", "serve", "insight", "web", "<root>"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _module_name(path: Path, pkg: Path = PKG) -> str:
    rel = path.relative_to(pkg.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str | None:
    """'staticapi.kube.registry' -> 'kube'; 'staticapi.server' -> '<root>'; 'staticapi' -> None
    (the package itself only holds __version__); anything else -> None (not ours)."""
    parts = module.split(".")
    if parts[0] != "staticapi" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in RANK else "<root>"


def imports(path: Path, pkg: Path = PKG) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every import of ours in one file."""
    me = _module_name(path, pkg)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "staticapi"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "staticapi":
                continue
            names = [a.name for a in node.names]
            if node.module is None or mod in ("staticapi",) or mod.count(".") == 1 and mod.split(".")[1] in RANK:
                # `from . import x` / `from ..kube import registry`: each name is a module
                out += [(node.lineno, f"{mod}.{n}", []) for n in names]
            else:
                out.append((node.lineno, mod, names))
    return out


def violations(pkg: Path = PKG) -> list[str]:
    bad = []
    for path in sorted(pkg.rglob("*.py")):
        mine = layer_of(_module_name(path, pkg))
        if mine is None:
            continue
        for line, mod, names in imports(path, pkg):
            theirs = layer_of(mod)
            where = f"{path.relative_to(pkg.parent)}:{line} imports {mod}"
            if theirs is None:
                continue
            if RANK[theirs] > RANK[mine]:
                bad.append(f"{where}: layer {theirs!r} is above {mine!r}")
            elif theirs != mine:
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private or mod.rsplit(".", 1)[-1].startswith("_"):
                    bad.append(f"{where}: private helpers of layer {theirs!r} ({', '.join(private) or mod})")
    return bad


def test_imports_only_go_down():
    assert violations() == []


def test_every_module_sits_in_a_layer():
    loose = sorted(p.name for p in PKG.glob("*.py"))
    assert loose == ["__init__.py", "cli.py", "server.py"], loose
    for layer in LAYERS[:-1]:
        assert (PKG / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize("source, expect", [
    ("from ..serve import cluster\n", "layer 'serve' is above 'store'"),
    ("from ..web.timeline import setup_routes\n", "layer 'web' is above 'store'"),
    ("def f():\n    from staticapi.insight import intervals\n", "layer 'insight' is above 'store'"),
    ("from ..source.parse import _prescan\n", "private helpers of layer 'source'"),
    ("from .image import load\nfrom ..kube import registry\n", None),
])
def test_the_check_itself_catches_upward_and_private_imports(tmp_path, source, expect):
    pkg = tmp_path / "staticapi"
    (pkg / "store").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "store" / "probe.py").write_text(source)
    found = violations(pkg)
    if expect is None:
        assert found == []
    else:
        assert len(found) == 1 and expect in found[0], found


def test_kube_imports_nothing_else_of_ours(tmp_path):
    pkg = tmp_path / "staticapi"
    (pkg / "kube").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "kube" / "__init__.py").write_text("")
    (pkg / "kube" / "probe.py").write_text("from ..source import layout\n")
    assert "layer 'source' is above 'kube'" in violations(pkg)[0]
