"""The tests' own layout: what several test modules share lives once, in tests/conftest.py or a
support module (tests/routes_support.py, tests/route_specs.py, tests/payloads.py, ...), never in
a test module that others import, and no fixture is written out again in a second file."""
from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parent
ROOT = TESTS.parent


@functools.cache  # parsed once for all the tests here (read-only), not once per test
def _modules() -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
            for p in sorted(TESTS.rglob("*.py"))}


def _imported(tree: ast.Module) -> list[str]:
    """The dotted names of the modules a file imports (`from tests import x` counts as tests.x)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names if node.module.split(".")[0] == "tests"]
    return names


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in ("pytest.fixture", "fixture")


def _fixtures(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body
            if isinstance(n, ast.FunctionDef) and any(_is_fixture(d) for d in n.decorator_list)]


def _fixture_name(node: ast.FunctionDef) -> str:
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and _is_fixture(d):
            for kw in d.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    return kw.value.value
    return node.name


def _body(node: ast.FunctionDef) -> str:
    """What the fixture does, whatever it is called: its arguments and body without the docstring."""
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    return ast.dump(node.args) + "".join(ast.dump(s) for s in body)


def test_no_module_imports_a_test_module():
    wrong = [f"{path} imports {name}"
             for path, tree in _modules().items()
             for name in _imported(tree)
             if name.split(".")[0] == "tests"
             and (name.rsplit(".", 1)[-1].startswith("test_") or name.rsplit(".", 1)[-1] == "conftest")]
    assert wrong == [], "move what they share into a support module:\n" + "\n".join(wrong)


def test_the_shared_fixtures_are_defined_once_in_conftest():
    modules = _modules()
    shared = {_fixture_name(f) for f in _fixtures(modules["tests/conftest.py"])}
    assert {"_fast_hashing", "count_queries", "world", "english_world", "make", "login"} <= shared
    again = [f"{path}: {_fixture_name(f)}" for path, tree in modules.items() if path != "tests/conftest.py"
             for f in _fixtures(tree) if _fixture_name(f) in shared]
    assert again == [], "fixtures of tests/conftest.py defined again:\n" + "\n".join(again)


def test_no_fixture_is_copied_into_another_file():
    where: dict[str, list[str]] = defaultdict(list)
    for path, tree in _modules().items():
        for f in _fixtures(tree):
            where[_body(f)].append(f"{path}: {_fixture_name(f)}")
    copies = [places for places in where.values() if len({p.split(":")[0] for p in places}) > 1]
    assert copies == [], "the same fixture in several files (put it in tests/conftest.py):\n" + "\n".join(
        ", ".join(places) for places in copies)


def test_sql_statements_are_counted_with_the_count_queries_fixture():
    this = str(Path(__file__).relative_to(ROOT))
    # routes_support.py listens to know when a snapshot must be read again; it counts nothing.
    by_hand = [path for path, tree in _modules().items()
               if path not in ("tests/conftest.py", "tests/routes_support.py", this)
               for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and node.value == "before_cursor_execute"]
    assert by_hand == [], f"use the count_queries fixture instead of a listener of your own: {by_hand}"
