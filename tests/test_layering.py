"""Imports go one way: tracker (the shared base) imports neither app; recommendations never
imports actions, which builds on it; and nothing outside the suite imports the suite."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Each package and the top-level packages it must never import.
NEVER = {
    "tracker": {"recommendations", "actions", "benchmarks", "tests"},
    "recommendations": {"actions", "benchmarks", "tests"},
    "actions": {"tests"},
    "benchmarks": {"tests"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """The top-level package of every import in a module, with the line it is on."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(NEVER))
def test_a_package_imports_nothing_above_it(package):
    modules = modules_of(package)
    assert len(modules) > 3  # the package is where the test looks for it

    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in modules
        for imported, line in imported_packages(path)
        if imported in NEVER[package]
    ]

    assert offending == []


def test_the_layering_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "upward.py"
    module.write_text("import os\nfrom actions.models import Action\n")

    assert imported_packages(module) == {("os", 1), ("actions", 2)}
