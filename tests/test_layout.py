"""Code layout (STYLE.md, "When an app outgrows flat files"): views and forms live in packages by
page family, the URL file names the module behind every page, and no module grows back into a
flat file."""

import ast
from pathlib import Path

import pytest

from tracker import urls

TRACKER = Path(urls.__file__).parent
PACKAGES = [TRACKER / "views", TRACKER / "forms"]
MOST_LINES = 600


def family_modules() -> set[str]:
    return {
        f"tracker.views.{path.stem}"
        for path in (TRACKER / "views").glob("*.py")
        if path.stem not in {"__init__", "helpers"}
    }


def test_every_tracker_url_opens_a_view_in_its_family_module():
    families = family_modules()
    wrong = {
        pattern.name: pattern.callback.__module__
        for pattern in urls.urlpatterns
        if pattern.callback.__module__ not in families
    }
    assert urls.urlpatterns
    assert wrong == {}


def test_the_url_file_imports_view_modules_not_views():
    tree = ast.parse(Path(urls.__file__).read_text())
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tracker")
        for alias in node.names
    }
    assert {module for module, _ in imported} == {"tracker.views"}
    assert {f"tracker.views.{name}" for _, name in imported} <= family_modules()


@pytest.mark.parametrize("package", PACKAGES, ids=lambda path: path.name)
def test_package_init_exports_nothing(package):
    body = ast.parse((package / "__init__.py").read_text()).body
    assert all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body
    ), f"{package.name}/__init__.py should hold at most a docstring, no re-exports"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda path: path.name)
def test_no_module_grows_back_into_a_flat_file(package):
    lengths = {path.name: len(path.read_text().splitlines()) for path in package.glob("*.py")}
    assert len(lengths) > 2
    assert {name: n for name, n in lengths.items() if n > MOST_LINES} == {}
