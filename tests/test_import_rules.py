"""The dependency rule between the layers: the adapters (API, pages, job queues, command line)
reach the database only through the service, and the pages import nothing of the API."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import bracketry
from bracketry.service import units

PACKAGE = Path(bracketry.__file__).parent
ADAPTERS = ("api", "web", "jobs", "cli")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module ``path`` (a file of the package at ``root``) imports, at the top or
    deferred inside a function, relative imports resolved."""
    here = _module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def adapter_files() -> list[Path]:
    files: list[Path] = []
    for adapter in ADAPTERS:
        folder = PACKAGE / adapter
        files += sorted(folder.rglob("*.py")) if folder.is_dir() else []
        single = PACKAGE / f"{adapter}.py"
        files += [single] if single.is_file() else []
    return files


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_walk_sees_every_adapter() -> None:
    files = adapter_files()
    assert {f.relative_to(PACKAGE).parts[0].removesuffix(".py") for f in files} == set(ADAPTERS)
    assert "bracketry.web.deps" in imported(PACKAGE / "web" / "pages.py")
    assert "bracketry.service.units" in imported(PACKAGE / "web" / "deps.py")


def test_no_adapter_imports_the_store() -> None:
    leaks = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in adapter_files()
        for name in sorted(imported(path))
        if _within(name, "bracketry.store")
    ]
    assert leaks == []


def test_the_pages_import_nothing_of_the_api() -> None:
    leaks = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / "web").rglob("*.py"))
        for name in sorted(imported(path))
        if _within(name, "bracketry.api")
    ]
    assert leaks == []


def test_a_deferred_relative_import_of_the_store_is_caught(tmp_path: Path) -> None:
    probe = tmp_path / "bracketry" / "api" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from ..store import database\n")
    assert "bracketry.store.database" in imported(probe, root=tmp_path / "bracketry")


@pytest.fixture
def handle(tmp_path: Path) -> Iterator[units.UnitOfWork]:
    database = units.open_database(f"sqlite:///{tmp_path / 'units.db'}", migrate=True)
    yield database
    database.dispose()


def test_the_service_opens_a_migrated_handle_whose_writes_commit(handle: units.UnitOfWork) -> None:
    assert handle.dialect == "sqlite"
    with handle.write() as db:
        db.execute(text("CREATE TABLE probe (n INTEGER)"))
        db.execute(text("INSERT INTO probe VALUES (1)"))
    with handle.read() as db:
        db.execute(text("INSERT INTO probe VALUES (2)"))  # a read is never committed
    with handle.read() as db:
        assert db.execute(text("SELECT n FROM probe")).scalars().all() == [1]
        tables = db.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars()
        assert "tournaments" in set(tables)


def test_a_failed_write_is_rolled_back(handle: units.UnitOfWork) -> None:
    with handle.write() as db:
        db.execute(text("CREATE TABLE probe (n INTEGER)"))
    with pytest.raises(RuntimeError), handle.write() as db:
        db.execute(text("INSERT INTO probe VALUES (1)"))
        raise RuntimeError("stop")
    with handle.read() as db:
        assert db.execute(text("SELECT count(*) FROM probe")).scalar_one() == 0
