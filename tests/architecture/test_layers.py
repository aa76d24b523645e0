"""The layer rule, read from the code: every import of every module of ours, at the top of a file or inside a
function, points to the same layer or a lower one, and no modules import each other in a loop.

The layer order lives here, in one list. A new app takes its place in it; a module outside every layer fails
the test until it is placed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "proposals")

# Lowest first. A module may import modules of its own layer and of the layers below it, never above. The
# longest prefix places a module: `proposals.services.hearing` is a service, `proposals.views.hearing` falls
# to the plain `proposals` layer.
LAYERS: list[tuple[str, ...]] = [
    ("portal.core",),
    ("portal.notifications",),
    ("portal.accounts",),
    # The participation domain, from its ground up. Models and the pure helpers they use (texts, documents,
    # detectors) know nothing of who acts; the rules ask only models; reads know no writes; writes queue tasks
    # by name and know no page; forms sit on the inputs of services.
    (
        "proposals.models",
        "proposals.documents",
        "proposals.detectors",
        "proposals.rich_text",
        "proposals.language",
        "proposals.notification_messages",
    ),
    ("proposals.permissions",),
    ("proposals.selectors", "proposals.search", "proposals.calendar"),
    ("proposals.services", "proposals.reports"),
    ("proposals.forms", "proposals.forms_staff", "proposals.forms_list"),
    # Views, API, tasks, commands, demo data, admin and start-up registrations.
    ("proposals",),
    ("proposals.urls",),
    # Wiring: the project's settings, URL map, Celery app and server entry points see every app.
    ("portal.settings", "portal.urls", "portal.celery", "portal.wsgi", "portal.asgi", "portal"),
]
# Every file of ours (code, templates, tests, benchmarks) stays small enough to read whole.
MAX_LINES = 600
SIZED = ("portal", "proposals", "templates", "tests", "bench", "static/css", "static/js")

# In-function imports that stay, each for a reason that the line above it in the code states.
NESTED_IMPORTS_ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function or class body) for every import of a module of ours, and for
    every import of any module inside a function or class body."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    nested_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    nested_lines.add(inner.lineno)
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from package import module` names a module; `from module import name` names the module.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                for alias in node.names
            ]
        for target in targets:
            if target.split(".")[0] in PACKAGES or node.lineno in nested_lines:
                found.append((target, node.lineno, node.lineno in nested_lines))
    return found


def layer_of(module: str) -> int | None:
    best = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    return best[0] if best else None


def import_graph() -> dict[str, list[tuple[str, int, bool]]]:
    modules = our_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def ours(target: str) -> bool:
    return target.split(".")[0] in PACKAGES


def upward_imports(graph) -> list[str]:
    wrong = []
    for module, imports in graph.items():
        own = layer_of(module)
        for target, line, _nested in filter(lambda found: ours(found[0]), imports):
            theirs = layer_of(target)
            if own is None or theirs is None:
                wrong.append(f"{module}:{line} -> {target}: not in any layer of LAYERS")
            elif theirs > own:
                wrong.append(f"{module}:{line} imports {target}, a higher layer")
    return wrong


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), over top-level and nested imports."""
    known = set(graph)
    edges = {m: sorted({t for t, _l, _n in imports if t in known and t != m}) for m, imports in graph.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def nested_imports(graph) -> list[str]:
    return [
        f"{module}:{line} imports {target} inside a function"
        for module, imports in graph.items()
        for target, line, nested in imports
        if nested and (module, target) not in NESTED_IMPORTS_ALLOWED
    ]


def long_files(paths, root: Path = ROOT) -> list[str]:
    """The files over MAX_LINES lines (migrations, which Django writes, excepted)."""
    found = []
    for path in paths:
        if "migrations" in path.relative_to(root).parts or not path.is_file():
            continue
        lines = path.read_text(errors="replace").count("\n")
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_no_module_imports_a_higher_layer(graph):
    wrong = upward_imports(graph)
    assert wrong == [], "\n".join(wrong)


def test_core_imports_no_app_of_ours(graph):
    wrong = [
        f"{module}:{line} -> {target}"
        for module, imports in graph.items()
        if layer_of(module) == 0
        for target, line, _nested in imports
        if ours(target) and layer_of(target) != 0
    ]
    assert wrong == [], "\n".join(wrong)


def test_no_import_cycle_among_our_modules(graph):
    assert cycles(graph) == []


def test_no_file_is_longer_than_a_reader_takes_in_whole():
    paths = [
        path
        for folder in SIZED
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt", ".css", ".js", ".lua"}
    ]
    assert len(paths) > 300, "the walk found too few files to be the real tree"
    wrong = long_files(paths)
    assert wrong == [], "\n".join(wrong)


def test_imports_inside_functions_are_only_the_listed_ones(graph):
    wrong = nested_imports(graph)
    assert wrong == [], "\n".join(wrong)


# --- The checks catch what they are for: each is run on a small made-up graph with the fault planted. -----


def test_the_layer_check_fails_when_core_imports_an_app():
    planted = {"portal.core.roles": [("proposals.models", 3, False)], "proposals.models": []}
    assert upward_imports(planted) == ["portal.core.roles:3 imports proposals.models, a higher layer"]


def test_the_layer_check_fails_when_accounts_imports_proposals_inside_a_function():
    planted = {"portal.accounts.privacy": [("proposals.models", 9, True)], "proposals.models": []}
    assert upward_imports(planted) and nested_imports(planted)


def test_the_layer_check_fails_for_a_module_outside_every_layer():
    assert upward_imports({"stray.module": [("portal.core.roles", 1, False)]})


def test_the_layer_check_fails_when_a_domain_layer_imports_one_above_it():
    planted = {
        "proposals.services.hearing": [("proposals.views.hearing", 4, False)],
        "proposals.models.hearing": [("proposals.selectors.hearing", 5, False)],
        "proposals.selectors.hearing": [("proposals.services.hearing", 6, False)],
        "proposals.services.proposal": [("proposals.tasks", 7, False)],
        "proposals.views.hearing": [("proposals.services.hearing", 8, False)],
    }
    assert upward_imports(planted) == [
        "proposals.services.hearing:4 imports proposals.views.hearing, a higher layer",
        "proposals.models.hearing:5 imports proposals.selectors.hearing, a higher layer",
        "proposals.selectors.hearing:6 imports proposals.services.hearing, a higher layer",
        "proposals.services.proposal:7 imports proposals.tasks, a higher layer",
    ]


def test_the_size_check_finds_a_long_file(tmp_path):
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_initial.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert long_files(sorted(tmp_path.rglob("*.py")), root=tmp_path) == [f"long.py: {MAX_LINES + 1} lines"]


def test_the_cycle_check_finds_a_loop():
    planted = {
        "proposals.services.a": [("proposals.tasks", 1, False)],
        "proposals.tasks": [("proposals.services.a", 1, True)],
        "proposals.models": [],
    }
    assert cycles(planted) == [["proposals.services.a", "proposals.tasks"]]


def test_the_real_tree_is_read(graph):
    """Guards against a walker that reads nothing and so passes everything."""
    assert len(graph) > 100
    assert ("portal.core.roles", False) in {(t, n) for t, _l, n in graph["proposals.permissions.proposal"]}
