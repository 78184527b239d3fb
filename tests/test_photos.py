"""A proposal's photo: what comes out of the processing (no metadata, upright, small enough),
what is refused (and then nothing is stored), the alt texts, and who sees it."""

from __future__ import annotations

import io
import re
import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from PIL import Image

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.proposals import photos, services
from feedback.proposals.models import Proposal
from feedback.proposals.photo_models import PhotoAlt, PhotoRendition, ProposalPhoto
from tests import photo_support as ps
from tests.databases import needs_postgres
from tests.routes_support import at_once, count, new_client, snapshot

QUICK = 2.0  # seconds: far more than a refusal from the header needs


def _open(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _stored() -> int:
    return count(ProposalPhoto) + count(PhotoRendition) + count(PhotoAlt)


# --- processing --------------------------------------------------------------------------------


def test_gps_and_all_other_metadata_are_gone(app):
    source = ps.jpeg(1600, 1200)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ps.GPS_IFD)  # the test photo has GPS
    made = photos.renditions(source)
    assert [r.width for r in made] == [360, 720, 1080]
    for r in made:
        im = _open(r.data)
        assert im.format == "WEBP" and im.mode == "RGB"
        assert not im.getexif() and not im.getexif().get_ifd(ps.GPS_IFD)
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(im.info)
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(ps.webp_chunks(r.data))
        assert b"PhoneMaker" not in r.data and b"taken at home" not in r.data
        assert (im.width, im.height) == (r.width, r.height) == (r.width, r.width * 3 // 4)


@pytest.mark.parametrize(("orientation", "top", "size"), [(1, None, (200, 100)), (6, "red", (100, 200)),
                                                         (8, "blue", (100, 200)), (3, None, (200, 100))])
def test_the_exif_orientation_is_applied(app, orientation, top, size):
    (only,) = photos.renditions(ps.two_halves_jpeg(orientation))  # narrower than 360: its own width
    im = _open(only.data)
    assert im.size == size
    if top:
        r, _g, b = im.getpixel((size[0] // 2, 10))
        assert (r > 200 and b < 60) if top == "red" else (b > 200 and r < 60)
    if orientation == 3:  # upside down: the red half is now on the right
        r, _g, _b = im.getpixel((size[0] - 10, size[1] // 2))
        assert r > 200


def test_a_transparent_png_is_flattened_on_white(app):
    made = photos.renditions(ps.transparent_png(800, 600))
    assert [r.width for r in made] == [360, 720]  # never wider than the original
    im = _open(made[0].data)
    assert im.mode == "RGB"
    assert min(im.getpixel((350, 100))) > 240  # transparent: white
    g = im.getpixel((10, 100))
    assert g[1] > 100 and g[0] < 40  # the green half stays green


def test_a_detailed_photo_is_at_most_30_kb_at_360_px(app):
    made = photos.renditions(ps.jpeg(2000, 1500, noise=True))
    assert made[0].width == 360
    assert len(made[0].data) <= 30 * 1024
    assert [r.width for r in made] == [360, 720, 1080]


def test_webp_in_is_accepted_too(app):
    out = io.BytesIO()
    Image.new("RGB", (500, 400), (10, 20, 30)).save(out, "WEBP", exif=ps.exif_with_gps())
    (small,) = photos.renditions(out.getvalue())
    assert small.width == 360 and not _open(small.data).getexif()


BAD = {
    "corrupt JPEG": ps.jpeg()[:300] + b"\x00garbage" * 100,
    "a text file": b"Hello, this is not a photo at all.\n" * 20,
    "empty": b"",
    "a GIF": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
             b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    "a PNG header claiming 50000 x 50000": ps.png_claiming(50_000, 50_000),
    "a PNG header claiming 7000 x 7000 (49 MP)": ps.png_claiming(7000, 7000),
    "a PNG with a zero width": ps.png_claiming(0, 10),
    "over 8 MB": b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES,
}


@pytest.mark.parametrize("name", list(BAD))
def test_what_is_not_a_usable_photo_is_refused_quickly(app, name):
    started = time.perf_counter()
    with pytest.raises(RuleError) as refused:
        photos.renditions(BAD[name])
    assert time.perf_counter() - started < QUICK
    assert refused.value.status == 400 and refused.value.field == "photo"
    assert str(refused.value.message)


@pytest.mark.parametrize(("width", "height", "orientation"), [
    (400, 20000, 1),  # 1080 x 54000 at its largest rendition
    (200, 17000, 1),  # narrower than all widths: kept at its own height
    (20000, 400, 6),  # wide as stored, tall once its EXIF has turned it
])
def test_a_photo_taller_than_webp_allows_is_refused_in_her_language(app, width, height, orientation):
    with pytest.raises(RuleError) as refused:
        photos.renditions(ps.plain_png(width, height, orientation))
    assert refused.value.status == 400 and refused.value.field == "photo"
    with force_locale("sv"):
        assert "Fotot är för högt" in str(refused.value.message)


def test_a_narrow_photo_as_tall_as_webp_allows_is_kept(app):
    (only,) = photos.renditions(ps.plain_png(300, photos.WEBP_MAX_SIDE))
    assert (only.width, only.height) == (300, photos.WEBP_MAX_SIDE)


# --- alt texts and storing ---------------------------------------------------------------------


@pytest.fixture
def proposal(make):
    program = make.program()
    return make.proposal(program, "voting")


def test_a_photo_without_swedish_alt_text_is_refused_and_nothing_stored(proposal):
    with pytest.raises(RuleError) as refused:
        photos.save_photo(proposal, ps.jpeg(), "   ", {}, None)
    assert refused.value.field == "alt_text"
    db.session.rollback()
    assert _stored() == 0


def test_each_translated_language_needs_its_alt_text(proposal):
    services.set_translation(proposal, "en", "Saturdays", "We meet on Saturdays.", None)
    assert photos.required_languages(proposal) == ["en"]
    with pytest.raises(RuleError) as refused:
        photos.save_photo(proposal, ps.jpeg(), "En kopp kaffe.", {"en": ""}, None)
    assert "English" in str(refused.value.message)
    db.session.rollback()
    assert _stored() == 0


def test_a_photo_is_stored_with_its_alt_texts(proposal):
    services.set_translation(proposal, "ar", "السبت", "نلتقي يوم السبت.", None)
    photo = photos.save_photo(proposal, ps.jpeg(1200, 900), " En  kopp kaffe. ", {"ar": "فنجان قهوة."}, None)
    db.session.commit()
    assert photo.alt_text == "En kopp kaffe."
    assert photo.alt_in("ar") == ("فنجان قهوة.", "ar")
    assert photo.alt_in("so") == ("En kopp kaffe.", "sv")  # her language has none: the Swedish one
    assert [r.width for r in photo.renditions] == [360, 720, 1080]
    assert (photo.width, photo.height) == (1080, 810)
    assert re.fullmatch(r"[0-9a-f]{16}", photo.version)


def test_replacing_makes_a_new_version_and_alt_only_keeps_the_photo(proposal):
    first = photos.save_photo(proposal, ps.jpeg(), "Kaffe.", {}, None)
    old_version, old_id = first.version, first.id
    same = photos.save_photo(proposal, None, "Kaffe och te.", {}, None)
    assert same.id == old_id and same.version == old_version and same.alt_text == "Kaffe och te."
    second = photos.save_photo(proposal, ps.jpeg(color=(10, 200, 90)), "Te.", {}, None)
    db.session.commit()
    assert second.version != old_version
    assert count(ProposalPhoto) == 1 and count(PhotoRendition) == 2  # 800 px wide: 360 and 720
    # SQLite may give the new photo the old id again: the version in its address is new all the same.
    assert db.session.scalars(sa.select(ProposalPhoto.version)).all() == [second.version]
    assert {r.photo_id for r in db.session.scalars(sa.select(PhotoRendition))} == {second.id}


def test_alt_texts_alone_need_a_photo_first(proposal):
    with pytest.raises(RuleError):
        photos.save_photo(proposal, None, "Kaffe.", {}, None)


def test_remove_and_delete_with_the_proposal(proposal, make):
    photos.save_photo(proposal, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    assert photos.remove_photo(proposal) and not photos.remove_photo(proposal)
    db.session.commit()
    assert _stored() == 0
    photos.save_photo(proposal, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    db.session.execute(sa.delete(Proposal).where(Proposal.id == proposal.id))  # the database's own cascade
    db.session.commit()
    assert _stored() == 0


def test_the_backup_has_the_photo(proposal, tmp_path):
    from feedback.operations.backup import backup

    photos.save_photo(proposal, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    counts = backup(tmp_path / "b.jsonl.gz")
    assert counts["proposal_photos"] == 1 and counts["proposal_photo_renditions"] == 2


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def people(make):
    people = ps.photo_people(make)
    people["proposal"] = make.proposal(people["program"], "voting")
    people["draft"] = make.proposal(people["program"], "draft", title="Draft")
    return people


def _upload(app, login, people, proposal, data, filename="photo.jpg", **fields):
    client = login(people["staff"], new_client(app))
    return ps.post_photo(client, f"/staff/{people['program'].id}/proposals/{proposal.id}/photo", data, filename,
                         **fields)


def test_staff_upload_and_a_member_sees_it_in_her_language(app, login, people):
    p = people["proposal"]
    services.set_translation(p, "en", "Saturdays", "We meet on Saturdays.", None)
    db.session.commit()
    resp = _upload(app, login, people, p, ps.jpeg(1600, 1200), alt_text="En kopp kaffe.", alt_en="A cup of coffee.")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#photo")
    photo = db.session.scalar(sa.select(ProposalPhoto))
    member = login(people["member"], new_client(app))
    html = member.get(f"/p/{p.id}").get_data(as_text=True)
    img = re.search(r'<img class="proposal-photo-img"[^>]*>', html).group(0)
    assert 'alt="A cup of coffee."' in img and 'lang="en"' in img
    assert 'loading="lazy"' in img and 'decoding="async"' in img and 'width="360"' in img and 'height="270"' in img
    base = f"/photos/{photo.id}/{photo.version}"
    assert f'srcset="{base}/360.webp 360w, {base}/720.webp 720w, {base}/1080.webp 1080w"' in img
    # Arabic has no alt text of its own: the Swedish one, marked as Swedish.
    arabic = login(people["arabic"], new_client(app)).get(f"/p/{p.id}").get_data(as_text=True)
    assert re.search(r'alt="En kopp kaffe." lang="sv"', arabic)
    got = member.get(f"{base}/360.webp")
    assert got.status_code == 200 and got.mimetype == "image/webp"
    assert got.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert _open(got.data).size == (360, 270) and len(got.data) <= 30 * 1024
    assert member.get(f"{base}/500.webp").status_code == 404
    assert member.get(f"/photos/{photo.id}/0123456789abcdef/360.webp").status_code == 404


def test_only_people_of_the_program_get_the_photo(app, login, people):
    for key in ("proposal", "draft"):
        photos.save_photo(people[key], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    shown, draft = (db.session.scalar(sa.select(ProposalPhoto).where(ProposalPhoto.proposal_id == people[k].id))
                    for k in ("proposal", "draft"))

    def get(role, photo):
        c = new_client(app) if role is None else login(people[role], new_client(app))
        return c.get(f"/photos/{photo.id}/{photo.version}/360.webp")

    assert get("member", shown).status_code == 200
    assert get("staff", draft).status_code == 200
    assert get("member", draft).status_code == 404  # drafts are not shown to members
    assert get("other_member", shown).status_code == 404
    assert get(None, shown).status_code == 302


@pytest.mark.parametrize(("data", "filename", "fields", "says"), [
    (ps.jpeg(), "photo.jpg", {"alt_text": ""}, "alt text"),
    (b"just some text\n" * 50, "photo.jpg", {"alt_text": "Kaffe."}, "not a photo"),
    (ps.png_claiming(50_000, 50_000), "big.png", {"alt_text": "Kaffe."}, "too many pixels"),
    (ps.jpeg()[:400], "cut.jpg", {"alt_text": "Kaffe."}, "not a photo"),
    (ps.plain_png(400, 20000), "screenshot.png", {"alt_text": "Kaffe."}, "too tall"),
])
def test_a_refused_upload_says_why_and_stores_nothing(app, login, people, data, filename, fields, says):
    db.session.commit()
    before = snapshot()
    started = time.perf_counter()
    resp = _upload(app, login, people, people["proposal"], data, filename, **fields)
    assert time.perf_counter() - started < 10
    assert resp.status_code == 400
    assert says in resp.get_data(as_text=True)
    assert snapshot() == before


def test_an_oversized_upload_is_refused_before_it_is_read(app, login, people):
    before = snapshot()
    client = login(people["staff"], new_client(app))
    boundary = "photo-boundary-1"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="alt_text"\r\n\r\nKaffe.\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff" + b"\0" * (9 * 1024 * 1024) + (
            f"\r\n--{boundary}--\r\n").encode()
    resp = client.post(f"/staff/{people['program'].id}/proposals/{people['proposal'].id}/photo", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413
    assert "too big" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_staff_remove_the_photo(app, login, people):
    photos.save_photo(people["proposal"], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    client = login(people["staff"], new_client(app))
    resp = client.post(f"/staff/{people['program'].id}/proposals/{people['proposal'].id}/photo/remove")
    assert resp.status_code == 302
    assert _stored() == 0


@needs_postgres
def test_the_same_photo_sent_or_removed_twice_at_once_is_one_photo_or_none(app, login, people):
    photo, p = ps.jpeg(), people["proposal"]
    url = f"/staff/{people['program'].id}/proposals/{p.id}/photo"
    for _ in range(3):  # a race is not lost every time: each round is a new chance
        codes = at_once(app, [(login(people["staff"], new_client(app)), url,
                               {"photo": (io.BytesIO(photo), "kaffe.jpg"), "alt_text": "Kaffe."}) for _ in range(2)])
        assert codes == [302, 302], codes  # the second replaced the first's
        assert count(ProposalPhoto, ProposalPhoto.proposal_id == p.id) == 1
        codes = at_once(app, [(login(people["staff"], new_client(app)), url + "/remove", {}) for _ in range(2)])
        assert codes == [302, 302], codes
        assert count(ProposalPhoto, ProposalPhoto.proposal_id == p.id) == 0


def test_the_staff_page_shows_the_form_and_the_alt_fields(app, login, people):
    p = people["proposal"]
    services.set_translation(p, "fa", "شنبه", "شنبه ها.", None)
    db.session.commit()
    html = login(people["staff"], new_client(app)).get(f"/staff/{people['program'].id}/proposals/{p.id}")
    text = html.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in text and 'name="alt_text"' in text
    assert re.search(r'name="alt_fa"[^>]*required lang="fa" dir="rtl"', text)


def test_audit_log_keeps_no_photo_bytes(app, login, people):
    from feedback.audit.models import AuditEntry

    _upload(app, login, people, people["proposal"], ps.jpeg(), alt_text="Kaffe.")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.record_type.like("proposal_photo%"))).all()
    assert {e.record_type for e in entries} >= {"proposal_photos", "proposal_photo_renditions"}
    assert not any('"data"' in (e.changes or "") for e in entries)
