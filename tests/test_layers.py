"""The flow runs one way (docs/architecture.md): the base (errors, settings, the database,
ratings, the verdict rules, the catalogue) imports nothing above it; no stage imports a later
stage; the pipeline and editing sit above the stages, the site and the CLI above all. Every
import counts, those inside functions too, and no two modules import each other."""

from __future__ import annotations

import ast
from collections import defaultdict

from .conftest import ROOT

PACKAGE = ROOT / "src" / "reception"
# Each top-level module or package of reception, by its place in the flow: a module may import
# only from its own unit or from one ranked lower (stages may use an earlier stage's results).
RANK = {
    "errors": 0, "config": 1, "database": 2, "ratings": 2, "rules": 3, "catalog": 4, "settings": 5,
    # collect fetches pages and hands them to ingest's writer: above ingest, below what follows it.
    # members: the audience's accounts and ratings, a source like collect.
    "ingest": 10, "collect": 10.5, "members": 10.5, "verdicts": 11, "scores": 12, "consensus": 13,
    "pipeline": 20, "editing": 21,
    "web": 30, "cli": 30, "urls": 30, "wsgi": 30,
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Django's record of the schema: it imports what it needs to replay it
        parts = ("reception", *path.relative_to(PACKAGE).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (ast.parse(path.read_text()), path.name == "__init__.py")
    return found


def _imports(name: str, tree: ast.Module, is_package: bool, known) -> set[str]:
    """The reception modules `name` imports anywhere in its code."""
    here = name if is_package else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = here
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # "from . import rt" names a module; "from .models import Film" a name in one.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        out.update(t for t in targets if t.split(".")[0] == "reception" and t != name)
    return out


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "reception"


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, tree, is_package, modules) for name, (tree, is_package) in modules.items()}


def test_layers_every_unit_has_a_place_in_the_flow():
    units = {_unit(name) for name in _graph()} - {"reception"}
    assert units <= set(RANK), units - set(RANK)


def test_layers_no_import_runs_against_the_flow():
    against = []
    for module, imported in _graph().items():
        if module == "reception":
            continue
        for target in imported:
            if _unit(target) != "reception" and RANK[_unit(target)] > RANK[_unit(module)]:
                against.append(f"{module} -> {target}")
    assert not against, "\n".join(sorted(against))


def test_layers_no_two_modules_import_each_other():
    graph = _graph()
    cycles = set()
    # Every cycle passes through some pair that reach each other: found by a search from each module.
    reach = defaultdict(set)
    for start in graph:
        seen, todo = set(), [start]
        while todo:
            for target in graph.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        reach[start] = seen
    for a in graph:
        for b in reach[a]:
            if a < b and a in reach.get(b, ()):
                cycles.add(f"{a} <-> {b}")
    assert not cycles, "\n".join(sorted(cycles))
