"""The house the project card names: its top level, and packages that install from pyproject.toml
within the pins of constraints.txt."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not a pin"
            pins[canonicalize_name(name)] = version
    return pins


def _requirements() -> list[Requirement]:
    spec = PROJECT["project"]
    return [Requirement(r) for r in [*spec["dependencies"], *spec["optional-dependencies"]["dev"]]]


def test_the_top_level_is_the_cards():
    for name in ("feedback", "templates", "static", "migrations", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("wsgi.py", "pyproject.toml", "README.md"):
        assert (ROOT / name).is_file(), name
    assert not (ROOT / "feedback" / "templates").exists() and not (ROOT / "feedback" / "static").exists()


def test_the_card_s_packages_are_dependencies():
    names = {canonicalize_name(r.name) for r in _requirements()}
    for card in ("flask", "flask-sqlalchemy", "flask-wtf", "htmx-flask", "plotly", "pytest"):
        assert card in names, card


def test_every_dependency_is_pinned_inside_its_range():
    pins = _pins()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt (make constraints)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req.specifier}"


def test_only_the_feedback_package_is_installed_code():
    assert PROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["feedback", "feedback.*"]
