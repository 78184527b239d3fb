"""The catalogs: every string a member can see is translated into every member language; staff
pages are complete in Swedish (English is the source); placeholders always match the source;
and the member-facing Swedish stays easy to read (LIX at most 30).

Which strings a member can see is decided by one file, babel-member.cfg."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from feedback.common.lix import readability

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
MEMBER_LANGUAGES = ("sv", "ar", "fa", "so", "ti")  # and English, the source
ALL_LANGUAGES = ("sv", "en", "ar", "fa", "so", "ti")
LIX_LIMIT = 30


def _extract(tmp_path_factory, config: str):
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", config, "-k", "_l",
         "-k", "lazy_gettext", "-k", "ngettext:1,2", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with out.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return _extract(tmp_path_factory, "babel.cfg")


@pytest.fixture(scope="module")
def member_template(tmp_path_factory):
    return _extract(tmp_path_factory, "babel-member.cfg")


def _catalog(lang: str):
    with (ROOT / "feedback/translations" / lang / "LC_MESSAGES/messages.po").open("rb") as fh:
        return read_po(fh)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _untranslated(template, catalog) -> list[str]:
    missing = []
    for msg in template:
        if not msg.id:
            continue
        found = catalog.get(msg.id)
        if not found or not all(_strings(found)) or found.fuzzy:
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return missing


def test_the_member_sources_exist():
    config = (ROOT / "babel-member.cfg").read_text()
    for pattern in re.findall(r"^\[\w+: (.+)\]$", config, re.M):
        assert list(ROOT.glob(pattern.replace("**.", "**/*."))), f"babel-member.cfg names {pattern}, which matches no file"


def test_the_member_strings_are_a_part_of_all_strings(template, member_template):
    every = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    member = {m.id if isinstance(m.id, str) else m.id[0] for m in member_template if m.id}
    assert member <= every
    assert len(member) > 250  # the whole member side, not a few pages of it


def test_every_string_is_translated_into_swedish(template):
    missing = _untranslated(template, _catalog("sv"))
    assert not missing, f"untranslated in sv (run make extract-messages and translate): {missing}"


@pytest.mark.parametrize("lang", MEMBER_LANGUAGES)
def test_every_member_string_is_translated(member_template, lang):
    missing = _untranslated(member_template, _catalog(lang))
    assert not missing, f"member-facing strings untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_placeholders_match_the_source(template, lang):
    catalog = _catalog(lang)
    broken = []
    for msg in template:
        found = catalog.get(msg.id) if msg.id else None
        if not found or not any(_strings(found)):
            continue
        source_ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        source = set(PLACEHOLDER.findall(" ".join(source_ids)))
        for s in _strings(found):
            # A translation may leave out %(num)s where the language says the number in words
            # (Arabic's "two"), but never brings a placeholder the source does not fill.
            if s and set(PLACEHOLDER.findall(s)) - source:
                broken.append((source_ids[0], s))
        singular = set(PLACEHOLDER.findall(source_ids[0])) - {"num"}
        if isinstance(msg.id, str) and any(s and set(PLACEHOLDER.findall(s)) != singular for s in _strings(found)):
            broken.append((msg.id, found.string))
    assert not broken, f"placeholders that differ from the source, in {lang}: {broken}"


def _plain(text: str) -> str:
    text = PLACEHOLDER.sub("X", text)
    text = re.sub(r"<[^>]+>", " ", text).strip()
    return text if not text or text[-1] in ".!?:" else text + "."


def test_member_facing_swedish_is_easy_to_read(member_template):
    """LIX of all member-facing Swedish, each string read as a sentence of its own."""
    catalog = _catalog("sv")
    texts = []
    for msg in member_template:
        found = catalog.get(msg.id) if msg.id else None
        if found:
            texts.append(_plain(_strings(found)[0]))
    score = readability(" ".join(texts))
    assert score.words > 1000
    assert score.score <= LIX_LIMIT, f"LIX {score.score} of the member-facing Swedish (limit {LIX_LIMIT})"
