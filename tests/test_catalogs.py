"""Every string in the code has a Swedish and an Arabic translation, with the same placeholders."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-k", "ngettext:1,2", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with out.open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_every_string_is_translated(template, lang):
    with (ROOT / "feedback/translations" / lang / "LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing, broken = [], []
    for msg in template:
        if not msg.id:
            continue
        found = catalog.get(msg.id)
        strings = list(found.string) if found and isinstance(found.string, tuple) else [found.string if found else ""]
        if not found or not all(strings) or found.fuzzy:
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
            continue
        source = msg.id if isinstance(msg.id, str) else msg.id[1]
        if any(set(PLACEHOLDER.findall(s)) - set(PLACEHOLDER.findall(source)) for s in strings):
            broken.append(source)
    assert not missing, f"untranslated in {lang} (run make extract-messages and translate): {missing}"
    assert not broken, f"placeholders that the source does not have, in {lang}: {broken}"
