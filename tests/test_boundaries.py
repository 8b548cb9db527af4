"""The architecture's boundaries, checked on the source (the tree must stay readable).

* ``workshop.model``, ``workshop.analysis``, ``workshop.rules`` and ``workshop.ports`` are pure:
  no streamlit, duckdb, psycopg or pyvis, and no storage engine or service (the calculators
  beside the analysis are functions of a map; what needs the store is a use case).
* The rules hold no SQL; services reach storage only through the ports.
* Nothing but ``workshop.store`` imports duckdb; the ``workshop`` package never imports streamlit.
* Pages hold no SQL; the package's copies of the contract match ``shared/spec``.
* The pages (``views/``) and their helpers (``ui/``) reach storage only through the services:
  they never import ``workshop.store`` and never touch the store's own attributes (they may
  hold the store and pass it to a service function, nothing more).
* ``web/`` (the routes beside the pages) imports no streamlit: what it serves is plain HTTP.
* No module is over 400 lines.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "workshop"
SPEC = ROOT.parent / "shared" / "spec"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def package_imports(path: Path) -> set[str]:
    """The ``workshop.*`` modules a file imports, relative imports resolved (``workshop.store``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = path.relative_to(ROOT).with_suffix("").parts
    here = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                found.add(".".join([*base, *(node.module.split(".") if node.module else [])]))
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("workshop")}


def _domain_files() -> list[Path]:
    return python_files(PKG / "model") + python_files(PKG / "analysis") + python_files(PKG / "rules") + [PKG / "ports.py"]


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_is_pure(path):
    """The map, its analysis, the write rules and the ports import no UI, no engine, no driver."""
    bad = imported_modules(path) & {"streamlit", "duckdb", "pyvis", "psycopg"}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    inner = {m for m in package_imports(path) if m.startswith(("workshop.store", "workshop.services", "workshop.render"))}
    assert not inner, f"{path.relative_to(ROOT)} imports {inner}"


def test_rules_hold_no_sql():
    """The rules are engine-neutral: every statement is the adapter's (workshop/store/<engine>/)."""
    for path in python_files(PKG / "rules") + [PKG / "ports.py"]:
        assert not SQL.search(path.read_text(encoding="utf-8")), f"SQL in {path.relative_to(ROOT)}"


def test_services_see_storage_only_through_the_ports():
    """Services are typed against workshop.ports; only services/app.py opens storage, and nothing
    outside workshop/store reaches into an engine's package."""
    outside = python_files(ROOT / "views") + python_files(ROOT / "ui") + python_files(ROOT / "web") + [ROOT / "app.py"]
    for path in python_files(PKG) + outside + python_files(ROOT / "bench"):
        if (PKG / "store") in path.parents:
            continue
        engines = {m for m in package_imports(path) if m.startswith("workshop.store.")}
        assert not engines, f"{path.relative_to(ROOT)} imports {engines}: open storage with workshop.store.open_store"
    for path in python_files(PKG / "services"):
        if path.name == "app.py":
            continue
        assert "workshop.store" not in package_imports(path), f"{path.relative_to(ROOT)} imports workshop.store"


def test_the_boundary_check_resolves_relative_imports():
    """The checks above see ``from ..ports import Storage`` as well as ``import workshop.store``."""
    names = package_imports(PKG / "services" / "pipeline.py")
    assert {"workshop.ports", "workshop.services.live", "workshop.analysis.pipeline"} <= names
    assert "workshop.store.duckdb" in package_imports(PKG / "store" / "__init__.py")


@pytest.mark.parametrize(
    "driver, adapter", [("duckdb", "duckdb"), ("psycopg", "postgres"), ("psycopg_pool", "postgres")]
)
def test_only_its_adapter_imports_a_database_driver(driver, adapter):
    """duckdb only in ``workshop/store/duckdb``, psycopg only in ``workshop/store/postgres``."""
    offenders = []
    for folder in (PKG, ROOT / "views", ROOT / "ui", ROOT / "web"):
        for path in python_files(folder):
            if (PKG / "store" / adapter) in path.parents:
                continue
            if driver in imported_modules(path):
                offenders.append(str(path.relative_to(ROOT)))
    for path in [ROOT / "streamlit_app.py", ROOT / "app.py"]:
        if driver in imported_modules(path):
            offenders.append(path.name)
    assert offenders == []


def test_the_package_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in python_files(PKG) if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_the_routes_import_no_streamlit():
    """``web/`` serves plain HTTP beside the pages (the stream, the live parts' state): no page
    machinery in it, and storage only through the services."""
    offenders = [str(p.relative_to(ROOT)) for p in python_files(ROOT / "web") if "streamlit" in imported_modules(p)]
    assert offenders == []
    for path in python_files(ROOT / "web"):
        assert not {m for m in package_imports(path) if m.startswith("workshop.store")}, path


SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I | re.S)


def test_pages_hold_no_sql():
    for path in python_files(ROOT / "views") + python_files(ROOT / "ui") + python_files(ROOT / "web") + [ROOT / "streamlit_app.py", ROOT / "app.py"]:
        assert not SQL.search(path.read_text(encoding="utf-8")), f"SQL in {path.relative_to(ROOT)}"


def test_sql_is_never_formatted_with_values():
    """Parameters are bound: no f-string or %-formatting builds SQL with a value in it."""
    for path in python_files(PKG / "store"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                names = [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
                if SQL.search(text):
                    # only the fixed column list may be spliced into SQL
                    assert set(names) <= {"ELEMENT_COLUMNS"}, f"{path.name}: SQL formatted with {names}"


@pytest.mark.skipif(not SPEC.exists(), reason="shared/spec is not beside this checkout")
def test_package_copies_match_the_contract():
    """The package's schema is the contract's, plus the deal plan: an optional section of
    version 1 that the project documents in ``docs/spec/deal-plan.md`` (issue 20)."""
    ours = json.loads((PKG / "model" / "map.schema.json").read_text())
    deal = ours["properties"]["deals"]["items"]["properties"]
    assert deal.pop("plan")["items"] == {"$ref": "#/$defs/plan_item"}
    assert ours["$defs"].pop("plan_item")["type"] == "object"
    assert ours == json.loads((SPEC / "map.schema.json").read_text())
    assert "plan_item" in (ROOT / "docs" / "spec" / "deal-plan.md").read_text()
    for name in ("fleet-telematics.en.json", "kommun-bokning.sv.json"):
        assert (PKG / "data" / name).read_text() == (SPEC / "examples" / name).read_text()
    for path in (SPEC / "examples").glob("*.findings.json"):
        assert (ROOT / "tests" / "spec" / path.name).read_text() == path.read_text()


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_huge():
    """No module over 400 lines: a module a newcomer can read in one sitting, split along its seams."""
    too_long = []
    for path in python_files(PKG) + python_files(ROOT / "ui") + python_files(ROOT / "views") + python_files(ROOT / "web"):
        if lines_of(path) > 400:
            too_long.append(f"{path.relative_to(ROOT)} has {lines_of(path)} lines: split it")
    assert too_long == []


# -- the UI reaches storage only through services ----------------------------------------------
UI_FILES = python_files(ROOT / "views") + python_files(ROOT / "ui")


def _store_imports(tree: ast.AST) -> list[str]:
    """Imports of the storage package (absolute: ``from . import store`` in ``ui/`` is the
    helper that returns the shared store, not the package)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name == "workshop.store" or a.name.startswith("workshop.store.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "workshop.store" or node.module.startswith("workshop.store."):
                found.append(node.module)
            elif node.module == "workshop" and any(a.name == "store" for a in node.names):
                found.append("workshop.store")
    return found


#: names the UI gives the store (a page's ``db``, a helper's ``store`` parameter)
STORE_NAMES = frozenset({"db", "store"})


def _is_store(node: ast.AST, names: set[str]) -> bool:
    """Whether ``node`` is the store: a name it is held in, ``<anything>.db`` (``page.db``), or
    the shared store's helper called (``store()``)."""
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Attribute):
        return node.attr == "db"
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "store" and not node.args and not node.keywords
    return False


def _store_names(tree: ast.AST) -> set[str]:
    """:data:`STORE_NAMES` and every name bound to the store (``x = page.db``, ``db, me = ...``)."""
    names = set(STORE_NAMES)
    grew = True
    while grew:
        grew = False
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs = zip(target.elts, node.value.elts)
                else:
                    pairs = [(target, node.value)]
                for name, value in pairs:
                    if isinstance(name, ast.Name) and name.id not in names and _is_store(value, names):
                        names.add(name.id)
                        grew = True
    return names


def store_uses(source: str) -> list[str]:
    """Where ``source`` touches the store itself (an attribute of it: a method called, a field
    read) instead of passing it to a service; each as ``line: expression``."""
    tree = ast.parse(source)
    names = _store_names(tree)
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and _is_store(node.value, names)]
    return [f"{node.lineno}: {ast.unparse(node)}" for node in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def test_the_store_check_finds_direct_calls():
    """The check below is only as good as this: it sees every way the UI held the store."""
    source = (
        "db = store()\n"
        "v = db.version(wid)\n"
        "s = store().facilitation(wid)\n"
        "p = page.db.public_version(wid)\n"
        "here, me = page.db, page.me\n"
        "here.workshop(wid)\n"
        "def f(store):\n"
        "    return store.public_version(wid)\n"
        "path = store().path\n"
    )
    assert [use.split(":")[0] for use in store_uses(source)] == ["2", "3", "4", "6", "8", "9"]
    passed = "db = store()\nfs.state(db, wid)\nlive.version(page.db, wid)\nme = page.me\nme.workshop_id\n"
    assert store_uses(passed) == []


def test_views_and_ui_reach_storage_only_through_services():
    offenders = []
    for path in UI_FILES:
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        offenders += [f"{name} imports {m}" for m in _store_imports(ast.parse(source))]
        offenders += [f"{name}:{use}" for use in store_uses(source)]
    assert offenders == []
