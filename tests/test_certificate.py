"""Her certificate of participation: what it gathers (her period, the meetings she came to, what
the group worked on, who signs), what the PDF says in Swedish and English, and who may have it."""
from __future__ import annotations

import io
from datetime import date, datetime

import pypdf
import pytest

from feedback.audit.models import AuditEntry
from feedback.certificate import pdf, services
from feedback.changes.models import ChangeStatus, ChangeTranslation, ProgramChange
from feedback.common.clock import local_to_utc
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import Attendance, Meeting
from feedback.programs.models import Membership, Role
from feedback.proposals.models import ProposalTranslation
from feedback.votes import services as votes
from tests.moments import local
from tests.routes_support import new_client

NOW = local(2026, 5, 20, 12)


def _meeting(program, when: datetime, title: str) -> Meeting:
    meeting = Meeting(program_id=program.id, title=title, starts_at=when, status="closed")
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _came(meeting: Meeting, user, present: bool = True) -> None:
    db.session.add(Attendance(meeting_id=meeting.id, user_id=user.id, present=present))


def _decision(make, program, on: datetime, title: str, replaced: bool = False) -> Decision:
    proposal = make.proposal(program, "voted", title=title)
    decision = Decision(program_id=program.id, proposal_id=proposal.id, outcome="accepted", reason="Bra.",
                        decided_at=local_to_utc(on), replaced_at=local_to_utc(on) if replaced else None)
    db.session.add(decision)
    db.session.flush()
    return decision


def _change(program, on: date, title: str, status: str = ChangeStatus.DONE) -> ProgramChange:
    change = ProgramChange(program_id=program.id, title=title, description="Så blev det.", changed_on=on,
                           status=status)
    db.session.add(change)
    db.session.flush()
    return change


def _joined(program, user, on: datetime, left: datetime | None = None) -> None:
    membership = db.session.scalar(db.select(Membership).where(
        Membership.user_id == user.id, Membership.program_id == program.id, Membership.role == Role.MEMBER))
    membership.created_at = local_to_utc(on)
    membership.left_at = local_to_utc(left) if left else None


@pytest.fixture
def group(make, time_machine):
    """Amal in the Uppsala program since 1 February 2026; three meetings, two of which she came to;
    a meeting of another program she came to as a guest of it; staff, decisions and changes."""
    time_machine.move_to(local(2026, 1, 10), tick=False)
    program = make.program("Mentorprogrammet Uppsala")
    program.city = "Uppsala"
    other = make.program("Mentorprogrammet Gävle")
    amal = make.member(program, name="Amal Hassan")
    make.member(other, name="Other member")
    db.session.add(Membership(user_id=amal.id, program_id=other.id, role=Role.MEMBER))
    staff = make.staff(program, name="Sara Samordnare")
    _joined(program, amal, datetime(2026, 2, 1, 10))
    march = _meeting(program, datetime(2026, 3, 3, 18), "Marsträffen")
    april = _meeting(program, datetime(2026, 4, 7, 18), "Aprilträffen")
    february = _meeting(program, datetime(2026, 2, 3, 18), "Februariträffen")
    elsewhere = _meeting(other, datetime(2026, 3, 10, 18), "Gävleträffen")
    coming = _meeting(program, datetime(2026, 6, 2, 18), "Juniträffen")
    _came(march, amal)
    _came(february, amal)
    _came(april, amal, present=False)
    _came(elsewhere, amal)
    _came(coming, amal)  # marked ahead of time: not a meeting she has come to yet
    db.session.commit()
    time_machine.move_to(NOW, tick=False)
    return program, other, amal, staff


def test_only_meetings_she_came_to_in_this_program_in_order(group):
    program, _other, amal, _staff = group
    cert = services.gather(amal, program.id)
    assert [(m.on, m.title) for m in cert.meetings] == [(date(2026, 2, 3), "Februariträffen"),
                                                        (date(2026, 3, 3), "Marsträffen")]
    assert cert.meeting_count == 2
    assert (cert.member_name, cert.program_name, cert.program_city) == ("Amal Hassan", "Mentorprogrammet Uppsala",
                                                                        "Uppsala")
    assert (cert.since, cert.until, cert.left, cert.issued_on) == (date(2026, 2, 1), date(2026, 5, 20), False,
                                                                   date(2026, 5, 20))


def test_the_period_starts_at_her_first_meeting_when_she_was_added_later(group):
    program, _other, amal, _staff = group
    _joined(program, amal, datetime(2026, 3, 1, 10))
    db.session.commit()
    cert = services.gather(amal, program.id)
    assert cert.since == date(2026, 2, 3)
    assert cert.meeting_count == 2


def test_the_group_s_work_in_her_period_newest_first(make, group):
    program, other, amal, _staff = group
    _decision(make, program, datetime(2026, 1, 15, 12), "Before she came")
    _decision(make, program, datetime(2026, 3, 20, 12), "Childcare at meetings")
    _decision(make, program, datetime(2026, 3, 21, 12), "Old decision, reopened", replaced=True)
    _decision(make, other, datetime(2026, 3, 22, 12), "Gävle's own decision")
    _change(program, date(2026, 4, 15), "Meetings on Saturdays")
    _change(program, date(2026, 4, 16), "Only planned", status=ChangeStatus.PLANNED)
    _change(program, date(2026, 5, 21), "Tomorrow's change")
    db.session.commit()
    cert = services.gather(amal, program.id)
    assert [(w.kind, w.on, w.title) for w in cert.work] == [
        ("change", date(2026, 4, 15), "Meetings on Saturdays"),
        ("decision", date(2026, 3, 20), "Childcare at meetings"),
    ]


def test_at_most_ten_things_the_group_worked_on(make, group):
    program, _other, amal, _staff = group
    for day in range(1, 13):
        _change(program, date(2026, 3, day), f"Change {day}")
    db.session.commit()
    titles = [w.title for w in services.gather(amal, program.id).work]
    assert titles == [f"Change {day}" for day in range(12, 2, -1)]


def test_english_titles_where_there_are_some(make, group):
    program, _other, amal, _staff = group
    decision = _decision(make, program, datetime(2026, 3, 20, 12), "Barnpassning på träffarna")
    db.session.add(ProposalTranslation(proposal_id=decision.proposal_id, language="en",
                                       title="Childcare at the meetings", summary="Childcare."))
    change = _change(program, date(2026, 4, 15), "Träffar på lördagar")
    _change(program, date(2026, 4, 16), "Ny lokal")
    db.session.add(ChangeTranslation(change_id=change.id, language="en", title="Meetings on Saturdays"))
    db.session.commit()
    english = services.gather(amal, program.id, "en")
    assert [(w.title, w.language) for w in english.work] == [
        ("Ny lokal", "sv"), ("Meetings on Saturdays", "en"), ("Childcare at the meetings", "en")]
    swedish = services.gather(amal, program.id, "sv")
    assert [w.title for w in swedish.work] == ["Ny lokal", "Träffar på lördagar", "Barnpassning på träffarna"]
    assert services.gather(amal, program.id, "ar").language == "sv"  # Swedish or English, nothing else


def test_a_member_who_left(make, group):
    program, _other, amal, _staff = group
    _joined(program, amal, datetime(2026, 2, 1, 10), left=datetime(2026, 3, 31, 9))
    _change(program, date(2026, 3, 30), "While she was there")
    _change(program, date(2026, 4, 15), "After she left")
    db.session.commit()
    cert = services.gather(amal, program.id)
    assert (cert.since, cert.until, cert.left) == (date(2026, 2, 1), date(2026, 3, 31), True)
    assert [m.title for m in cert.meetings] == ["Februariträffen", "Marsträffen"]
    assert [w.title for w in cert.work] == ["While she was there"]


def test_no_certificate_for_someone_who_is_not_a_member_or_is_erased(make, group):
    program, other, amal, staff = group
    assert services.gather(staff, program.id) is None
    stranger = make.member(other)
    assert services.gather(stranger, program.id) is None
    amal.erased_at = amal.created_at
    assert services.gather(amal, program.id) is None


def test_nothing_about_how_she_voted(make, group):
    """The certificate's data has no field for votes, and her vote and reason appear nowhere."""
    program, _other, amal, _staff = group
    proposal = make.proposal(program, "voting", title="Saturday meetings")
    votes.cast_vote(proposal, amal, "disagree", reason="A secret reason of mine")
    db.session.commit()
    cert = services.gather(amal, program.id)
    text = repr(cert)
    assert "disagree" not in text and "A secret reason of mine" not in text and "Saturday meetings" not in text
    assert set(services.Certificate.__dataclass_fields__) == {
        "language", "member_name", "program_name", "program_city", "since", "until", "left", "meetings", "work",
        "coordinator", "issued_on"}


def test_who_signs(make, group):
    """She downloads it: the staff member who last logged a meeting of the program, else the
    first staff member; staff who left never. Staff print it: their own name."""
    program, other, amal, staff = group
    assert services.gather(amal, program.id).coordinator == "Sara Samordnare"
    newer = make.staff(program, name="Nora Newer")
    gone = make.staff(program, name="Gone Staff")
    db.session.add_all([
        AuditEntry(actor_id=newer.id, actor_name=newer.name, program_id=program.id, action="update",
                   record_type="meetings", record_id="1", at=datetime(2026, 4, 8, 9)),
        AuditEntry(actor_id=gone.id, actor_name=gone.name, program_id=program.id, action="update",
                   record_type="meetings", record_id="1", at=datetime(2026, 4, 9, 9)),
        AuditEntry(actor_id=staff.id, actor_name=staff.name, program_id=other.id, action="update",
                   record_type="meetings", record_id="9", at=datetime(2026, 4, 10, 9)),
    ])
    db.session.scalar(db.select(Membership).where(Membership.user_id == gone.id)).left_at = datetime(2026, 5, 1)
    db.session.commit()
    assert services.gather(amal, program.id).coordinator == "Nora Newer"
    assert services.gather(amal, program.id, coordinator="Printing Person").coordinator == "Printing Person"
    assert services.coordinator_for(make.program().id) is None


# The PDF, through the routes.

def _text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(resp.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _reader(resp) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(resp.data))


def test_her_certificate_in_swedish(app, login, group):
    _program, _other, amal, _staff = group
    c = login(amal, new_client(app))
    resp = c.get("/me/certificate.pdf")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="certificate-2026-05-20.pdf"'
    assert resp.headers["Cache-Control"] == "no-store"
    text = " ".join(_text(resp).split())
    for expected in ("Intyg om deltagande", "Amal Hassan", "Mentorprogrammet Uppsala", "Uppsala",
                     "Amal Hassan deltar sedan 1 februari 2026 i expertgruppen inom Mentorprogrammet Uppsala",
                     "Amal Hassan har deltagit i 2 möten i expertgruppen", "3 februari 2026 Februariträffen",
                     "3 mars 2026 Marsträffen", "Utfärdat den 20 maj 2026", "Sara Samordnare",
                     "Samordnare, Mentorprogrammet Uppsala"):
        assert expected in text, expected
    for absent in ("Aprilträffen", "Gävleträffen", "Juniträffen", "Certificate"):
        assert absent not in text, absent
    meta = _reader(resp).metadata
    assert meta.title == "Intyg om deltagande: Amal Hassan"
    assert meta.author == "Mentorprogrammet Uppsala"


def test_her_certificate_in_english(app, login, make, group):
    program, _other, amal, _staff = group
    _joined(program, amal, datetime(2026, 2, 1, 10), left=datetime(2026, 4, 30, 10))
    _change(program, date(2026, 4, 15), "Träffar på lördagar")
    db.session.commit()
    c = login(make.staff(program, name="Printing Staff"), new_client(app))
    resp = c.get(f"/staff/{program.id}/members/{amal.id}/certificate.pdf?lang=en")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="certificate-2026-05-20.pdf"'
    text = " ".join(_text(resp).split())
    for expected in ("Certificate of participation",
                     "Amal Hassan took part in the expert group of Mentorprogrammet Uppsala from February 1, 2026 "
                     "to April 30, 2026", "Amal Hassan attended 2 meetings of the expert group",
                     "February 3, 2026 Februariträffen", "March 3, 2026 Marsträffen", "What the group worked on",
                     "April 15, 2026 Change in the program Träffar på lördagar", "Issued on May 20, 2026",
                     "Printing Staff", "Coordinator, Mentorprogrammet Uppsala"):
        assert expected in text, expected
    assert "Intyg" not in text and "Sara Samordnare" not in text
    assert _reader(resp).metadata.title == "Certificate of participation: Amal Hassan"


def test_a_member_without_meetings_gets_a_certificate_that_she_joined(app, login, make, group):
    program, _other, _amal, _staff = group
    new = make.member(program, name="Hodan Ny")
    _joined(program, new, datetime(2026, 5, 4, 10))
    db.session.commit()
    c = login(new, new_client(app))
    sv = " ".join(_text(c.get("/me/certificate.pdf")).split())
    assert "Hodan Ny gick med i expertgruppen den 4 maj 2026 och har ännu inte deltagit i något möte." in sv
    assert "Marsträffen" not in sv and "har deltagit i 0" not in sv
    en = " ".join(_text(c.get("/me/certificate.pdf?lang=en")).split())
    assert "Hodan Ny joined the expert group on May 4, 2026 and has not attended a meeting yet." in en


def test_her_name_and_titles_are_text_not_markup(app, login, make, group):
    program, _other, amal, _staff = group
    amal.name = "<b>Amal</b> & <i>co</i>"
    _meeting(program, datetime(2026, 3, 17, 18), "<script>alert(1)</script>")
    _came(db.session.scalar(db.select(Meeting).where(Meeting.starts_at == datetime(2026, 3, 17, 18))), amal)
    db.session.commit()
    text = _text(login(amal, new_client(app)).get("/me/certificate.pdf"))
    assert "<b>Amal</b> & <i>co</i>" in text
    assert "<script>alert(1)</script>" in text


def test_the_language_is_swedish_unless_english_is_asked_for(app, login, group):
    _program, _other, amal, _staff = group
    text = _text(login(amal, new_client(app)).get("/me/certificate.pdf?lang=ar"))
    assert "Intyg om deltagande" in text


def test_her_own_group_only(app, login, make, group):
    program, other, amal, _staff = group
    c = login(amal, new_client(app))
    third = make.program("Third")
    assert c.get(f"/me/certificate.pdf?program={third.id}").status_code == 404
    assert "Mentorprogrammet Gävle" in _text(c.get(f"/me/certificate.pdf?program={other.id}"))
    staff = make.staff(program)
    assert login(staff, new_client(app)).get("/me/certificate.pdf").status_code == 404


def test_staff_of_the_program_only_and_unknown_ids(app, login, make, group):
    program, other, amal, staff = group
    c = login(staff, new_client(app))
    stranger = make.member(other)
    assert c.get(f"/staff/{program.id}/members/{stranger.id}/certificate.pdf").status_code == 404
    assert c.get(f"/staff/{program.id}/members/999999/certificate.pdf").status_code == 404
    assert c.get(f"/staff/{program.id}/members/{staff.id}/certificate.pdf").status_code == 404
    assert c.get(f"/staff/999999/members/{amal.id}/certificate.pdf").status_code == 404
    assert c.get(f"/staff/{other.id}/members/{amal.id}/certificate.pdf").status_code == 403


def test_without_weasyprint_a_clear_503(app, login, group, monkeypatch):
    _program, _other, amal, _staff = group
    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    amal.preferred_language = "en"
    db.session.commit()
    resp = login(amal, new_client(app)).get("/me/certificate.pdf")
    assert resp.status_code == 503
    assert "We cannot make the certificate right now. Please ask the staff of the group." in resp.get_data(as_text=True)


def test_printing_fetches_nothing(app, monkeypatch):
    """Every URL in the HTML goes to the refusing fetcher, and the PDF is made without it."""
    asked = []

    def refuse(url, *args, **kwargs):
        asked.append(url)
        raise ValueError("refused")

    monkeypatch.setattr(pdf, "refuse_every_url", refuse)
    body = pdf.render_pdf(
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><p>Hej</p><img src="file:///etc/hostname"></body></html>',
        title="T", author="A", language="sv")
    assert body.startswith(b"%PDF")
    assert sorted(asked) == ["file:///etc/hostname", "http://127.0.0.1:9/x.css"]


def test_the_home_page_offers_both_languages(app, login, group):
    _program, _other, amal, _staff = group
    page = login(amal, new_client(app)).get("/me").get_data(as_text=True)
    assert "Mitt intyg" in page
    assert 'href="/me/certificate.pdf"' in page and 'href="/me/certificate.pdf?lang=en"' in page
    assert "Intyg på svenska" in page and "Intyg på engelska" in page


def test_the_staff_member_page_links_to_it(app, login, group):
    program, _other, amal, staff = group
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/members/{amal.id}/edit").get_data(as_text=True)
    assert f'href="/staff/{program.id}/members/{amal.id}/certificate.pdf"' in page
    assert "Skriv ut hennes intyg" in page


def test_without_weasyprint_the_app_still_works(app, monkeypatch):
    """An import that fails (no WeasyPrint, or no Pango under it) makes the certificate unavailable,
    nothing else."""
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" raises ImportError
    pdf._weasyprint.cache_clear()
    try:
        assert pdf.available() is False
        with pytest.raises(pdf.Unavailable):
            pdf.render_pdf("<p>Hej</p>", title="T", author="A", language="sv")
    finally:
        pdf._weasyprint.cache_clear()


def test_a_loop_of_downloads_is_stopped_per_person(app, login, group, monkeypatch):
    program, _other, amal, staff = group
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kw: b"%PDF-1.7 made")
    app.config["PDF_RATE_LIMIT"] = "2 per minute"
    amal.preferred_language = "en"
    db.session.commit()
    her = login(amal, new_client(app))
    codes = [her.get("/me/certificate.pdf").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "Too many tries. Wait a minute and try again." in her.get("/me/certificate.pdf").get_data(as_text=True)
    # Staff have their own count: her loop does not stop them printing hers.
    office = login(staff, new_client(app))
    assert office.get(f"/staff/{program.id}/members/{amal.id}/certificate.pdf").status_code == 200
