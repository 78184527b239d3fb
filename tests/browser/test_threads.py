"""Feedback threads on a phone (360 px): write, agree, report, hide her name, record her voice,
and see the program's answer arrive; with JavaScript (htmx) and without it; axe-core and the
44 px rule on every thread page."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .support import Live, Member, assert_accessible, assert_touch_targets, axe_problems

pytestmark = [pytest.mark.browser]

VOICE = Path(__file__).parent.parent / "fixtures" / "voice-1s.webm"
POLL_WAIT_MS = 15_000  # the most to wait: the thread page asks for news every second here (conftest)
_n = itertools.count(1)


def _same_document(page: Page) -> None:
    """Mark the page: a full load wipes the mark, an htmx swap keeps it."""
    page.evaluate("window.__sameDocument = true")


def _assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded or left"


def _log_in(page: Page, live: Live, member: Member) -> None:
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")


def _thread_id(page: Page) -> int:
    m = re.search(r"/talk/t/(\d+)", page.url)
    assert m, f"not on a thread page: {page.url}"
    return int(m.group(1))


def _send(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form#write button[type=submit]").click()


def _open_topic_from_talk(page: Page, live: Live, topic_id: int, topic_name: str) -> None:
    page.locator("nav.member-nav a[href='/talk']").click()
    expect(page).to_have_url(f"{live.url}/talk")
    page.get_by_role("link", name=re.compile(re.escape(topic_name))).click()
    expect(page).to_have_url(f"{live.url}/talk/topic/{topic_id}")


_FOCUSED_JS = """() => { const el = document.activeElement;
    return (el && (el.id || el.closest('[id]')?.id)) || (el && el.tagName); }"""


def _answered(live: Live, lang: str = "sv") -> str:
    return live.t(lang, "Answered")


# --- a. with JavaScript: write, agree in place, and the program's answer arrives by itself ----


def test_post_agree_and_the_staff_answer_arrives_on_the_open_page(page: Page, live: Live):
    member = live.member(name=f"Amina Skrivare {next(_n):04d}")
    other = live.member(name=f"Olga Grannsson {next(_n):04d}")
    topic_name = f"Praktikplatser {next(_n):04d}"
    topic_id = live.topic(topic_name, icon="work")

    _log_in(page, live, member)
    _open_topic_from_talk(page, live, topic_id, topic_name)

    text = "Jag vill hitta praktik i en förskola. Vem kan hjälpa mig?"
    page.locator("#body").fill(text)
    _send(page)
    expect(page).to_have_url(re.compile(r"/talk/t/\d+(#post-\d+)?$"))
    thread_id = _thread_id(page)
    expect(page.locator("main .flash-success")).to_contain_text(live.t("sv", "Thank you! Your post is sent."))
    posts = live.posts_in(thread_id)
    assert [(p["author_id"], p["body"], p["author_role"]) for p in posts] == [(member.id, text, "member")]
    mine = posts[0]["id"]
    expect(page.locator(f"#post-{mine}")).to_contain_text(text)
    expect(page.locator(f"#post-{mine}")).to_contain_text(member.name)
    expect(page.locator("#posts > .thread-meta")).to_contain_text(live.t("sv", "Waiting for answer"))
    # Her own post has a counter but no "I agree" button.
    expect(page.locator(f"#agree-{mine} button")).to_have_count(0)

    # Another member answers; she sees it (the page is reloaded here, the poll is tested below).
    theirs = live.reply(other, thread_id, "Jag jobbade på en förskola. Fråga rektorn direkt!")
    page.reload()
    agree_button = page.locator(f"#agree-{theirs} button")
    expect(agree_button).to_contain_text(live.t("sv", "I agree"))

    _same_document(page)
    url = page.url
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/talk/posts/{theirs}/agree")
    ) as agreed:
        agree_button.click()
    assert agreed.value.request.headers.get("hx-request") == "true"
    assert agreed.value.status == 200
    box = page.locator(f"#agree-{theirs}")
    expect(box).to_contain_text(live.t("sv", "You agree."))
    expect(box).to_contain_text(live.nt("sv", "%(num)s member agrees", "%(num)s members agree", 1) % {"num": 1})
    expect(box.locator("button")).to_have_count(0)
    assert page.url == url
    _assert_same_document(page)
    assert live.agreements_on(theirs) == [member.id]

    # Staff answer while her page stays open: the 10-second poll brings it in.
    answer = "Vi ringer förskolorna i Uppsala och frågar om praktik. Vi svarar på träffen."
    answer_id = live.staff_reply(thread_id, answer, official=True)
    official = page.locator(f"#post-{answer_id}")
    expect(official).to_contain_text(answer, timeout=POLL_WAIT_MS)
    expect(official).to_have_class(re.compile(r"\bpost-official\b"))
    expect(official.locator(".official-mark")).to_contain_text(live.t("sv", "The program's answer"))
    expect(page.locator(f"#agree-{theirs}")).to_contain_text(live.t("sv", "You agree."))  # still there
    assert page.url == url
    _assert_same_document(page)
    assert live.thread_answered(thread_id)

    # The conversation shows as answered: on its page, on the topic page and in her list.
    page.reload()
    expect(page.locator("#posts > .thread-meta")).to_contain_text(_answered(live))
    expect(page.locator("#posts > .thread-meta")).not_to_contain_text(live.t("sv", "Waiting for answer"))
    page.goto(f"/talk/topic/{topic_id}")
    expect(page.locator(f"li.thread-link:has(a[href='/talk/t/{thread_id}'])")).to_contain_text(_answered(live))
    page.goto("/talk")
    expect(page.locator(f"#mine-h ~ ul li:has(a[href='/talk/t/{thread_id}'])")).to_contain_text(_answered(live))


def test_open_page_shows_answered_when_the_answer_arrives(page: Page, live: Live):
    """The status line above the posts must not keep saying "waiting for answer" under the answer."""
    member = live.member()
    thread_id, _first = live.thread(member, "Finns det barnpassning på träffarna?", topic_id=live.topic())
    _log_in(page, live, member)
    page.goto(f"/talk/t/{thread_id}")
    status = page.locator("#posts > .thread-meta")
    expect(status).to_contain_text(live.t("sv", "Waiting for answer"))
    _same_document(page)

    answer_id = live.staff_reply(thread_id, "Ja, det finns barnpassning varje gång.")
    expect(page.locator(f"#post-{answer_id}")).to_be_visible(timeout=POLL_WAIT_MS)
    _assert_same_document(page)
    expect(status).to_contain_text(_answered(live))
    expect(status).not_to_contain_text(live.t("sv", "Waiting for answer"))



def test_agreeing_moves_focus_to_that_posts_counter(page: Page, live: Live):
    """After "I agree" the confirmation that screen readers announce is the one she tapped."""
    member, other, third = live.member(), live.member(), live.member()
    thread_id, first = live.thread(member, "Jag vill öva på intervjuer.", topic_id=live.topic())
    second = live.reply(other, thread_id, "Jag också.")
    third_post = live.reply(third, thread_id, "Vi kan öva i par.")
    _log_in(page, live, member)
    page.goto(f"/talk/t/{thread_id}")
    page.locator(f"#agree-{third_post} button").click()
    expect(page.locator(f"#agree-{third_post}")).to_contain_text(live.t("sv", "You agree."))
    assert live.agreements_on(third_post) == [member.id] and live.agreements_on(second) == []
    focused = page.evaluate(_FOCUSED_JS)
    assert focused == f"agree-{third_post}", (
        f"focus went to {focused}, not to the post she agreed with (her own first post is agree-{first})")



def test_new_posts_arriving_do_not_take_her_out_of_her_reply(page: Page, live: Live):
    """She is typing an answer when the poll brings a new post: focus and text stay in the box."""
    member, other = live.member(), live.member()
    thread_id, first = live.thread(member, "Hur skriver man ett personligt brev?", topic_id=live.topic())
    live.reply(other, thread_id, "Kort och med exempel.")
    _log_in(page, live, member)
    page.goto(f"/talk/t/{thread_id}")
    box = page.locator("#body")
    box.click()
    box.type("Tack, jag ska")
    _same_document(page)
    answer_id = live.staff_reply(thread_id, "Vi övar på brev på nästa träff.")
    expect(page.locator(f"#post-{answer_id}")).to_be_visible(timeout=POLL_WAIT_MS)
    _assert_same_document(page)
    expect(box).to_have_value("Tack, jag ska")
    focused = page.evaluate(_FOCUSED_JS)
    assert focused == "body", f"the new posts took her focus to {focused} (her own first post is agree-{first})"


# --- b. without JavaScript: plain form posts -------------------------------------------------


def test_thread_flow_without_javascript(nojs_page: Page, new_context, staff_state, live: Live):
    page = nojs_page
    member = live.member(name=f"Hodan Hemlig {next(_n):04d}")
    other = live.member(name=f"Olga Öppen {next(_n):04d}")
    topic_name = f"Mentorträffar {next(_n):04d}"
    topic_id = live.topic(topic_name, icon="people")
    opener_text = "Min mentor har aldrig tid. Vad ska jag göra?"
    thread_id, theirs = live.thread(other, opener_text, topic_id=topic_id)

    _log_in(page, live, member)
    _open_topic_from_talk(page, live, topic_id, topic_name)
    page.locator(f"a[href='/talk/t/{thread_id}']").click()
    expect(page).to_have_url(f"{live.url}/talk/t/{thread_id}")
    # Stale copies of the page, as in other tabs: their buttons are used again below.
    stale_report, stale_agree = page.context.new_page(), page.context.new_page()
    stale_report.goto(f"/talk/t/{thread_id}")
    stale_agree.goto(f"/talk/t/{thread_id}")

    # Post text, anonymous to the group; the form says who will see her name.
    hint = live.t("sv", "Other members will not see your name. Staff will see it.")
    expect(page.locator("form#write")).to_contain_text(hint)
    expect(page.locator("[data-recorder]")).to_be_hidden()
    expect(page.locator("[data-file-fallback] input[type=file]")).to_be_visible()
    text = "Samma för mig. Jag skickar sms till min mentor i stället."
    page.locator("#body").fill(text)
    page.locator("#anonymous").check()
    _send(page)
    expect(page).to_have_url(re.compile(rf"/talk/t/{thread_id}#post-\d+$"))
    mine = int(page.url.rsplit("-", 1)[1])
    expect(page.locator("main .flash-success")).to_contain_text(live.t("sv", "Thank you! Your post is sent."))
    expect(page.locator(f"#post-{mine}")).to_contain_text(text)
    expect(page.locator(f"#post-{mine}")).to_contain_text(member.name)  # she sees her own name
    expect(page.locator(f"#post-{mine}")).to_contain_text(live.t("sv", "name hidden from other members"))
    stored = {p["id"]: p for p in live.posts_in(thread_id)}
    assert (stored[mine]["author_id"], stored[mine]["anonymous"], stored[mine]["body"]) == (member.id, True, text)

    # "I agree" on the other member's post: a plain post and a redirect back.
    with page.expect_navigation():
        page.locator(f"#agree-{theirs} button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/talk/t/{thread_id}#post-{theirs}")
    expect(page.locator(f"#agree-{theirs}")).to_contain_text(live.t("sv", "You agree."))
    expect(page.locator(f"#agree-{theirs} button")).to_have_count(0)
    assert live.agreements_on(theirs) == [member.id]

    # Report the other member's post: the summary opens the choice without JavaScript.
    page.locator(f"#post-{theirs} details.report summary").click()
    with page.expect_navigation():
        page.locator(f"#post-{theirs} details.report button[type=submit]").click()
    expect(page.locator("main .flash-success")).to_contain_text(live.t("sv", "Thank you. Staff will look at the post."))
    expect(page.locator(f"#post-{theirs}")).to_contain_text(live.t("sv", "You reported this post."))
    expect(page.locator(f"#post-{theirs}")).to_contain_text(opener_text)  # one report does not hide it
    assert live.reports_on(theirs) == [member.id]

    # Twice, from the stale tabs: a clear message, and nothing changes.
    stale_report.locator(f"#post-{theirs} details.report summary").click()
    with stale_report.expect_navigation():
        stale_report.locator(f"#post-{theirs} details.report button[type=submit]").click()
    expect(stale_report.locator("main .flash-error")).to_contain_text(
        live.t("sv", "You have already reported this post. Staff will look at it."))
    expect(stale_report.locator(f"#post-{theirs}")).to_contain_text(live.t("sv", "You reported this post."))
    assert live.reports_on(theirs) == [member.id]
    with stale_agree.expect_navigation():
        stale_agree.locator(f"#agree-{theirs} button[type=submit]").click()
    expect(stale_agree.locator("main .flash-error")).to_contain_text(
        live.t("sv", "You have already said that you agree."))
    assert live.agreements_on(theirs) == [member.id]

    # The other member sees "A member", not her name.
    other_page = new_context(java_script_enabled=False).new_page()
    _log_in(other_page, live, other)
    other_page.goto(f"/talk/t/{thread_id}")
    their_view = other_page.locator(f"#post-{mine}")
    expect(their_view).to_contain_text(text)
    expect(their_view.locator(".post-author")).to_contain_text(live.t("sv", "A member"))
    expect(other_page.locator("main")).not_to_contain_text(member.name)

    # Staff see her name.
    staff_view = new_context(storage_state=staff_state, java_script_enabled=False).new_page()
    staff_view.goto(f"/talk/t/{thread_id}")
    expect(staff_view.locator(f"#post-{mine} .post-author")).to_contain_text(member.name)
    expect(staff_view.locator(f"#post-{mine}")).to_contain_text(text)


# --- c. a voice note recorded in the browser ---------------------------------------------------


def test_record_and_send_a_voice_note(page: Page, new_context, live: Live):
    member = live.member()
    topic_id = live.topic()
    _log_in(page, live, member)
    page.goto(f"/talk/topic/{topic_id}")

    recorder = page.locator("form#write [data-recorder]")
    expect(recorder).to_be_visible()
    expect(page.locator("form#write [data-file-fallback]")).to_be_hidden()
    record = recorder.locator("button[data-record]")
    expect(record).to_contain_text(live.t("sv", "Record your voice"))

    record.click()
    expect(recorder.locator("[data-status]")).to_contain_text(live.t("sv", "Recording. Speak now."))
    expect(recorder.locator("[data-time]")).to_contain_text("0:02 /", timeout=5_000)  # about two seconds
    record.click()  # stop
    expect(recorder.locator("audio[data-preview]")).to_be_visible()
    expect(recorder.locator("[data-status]")).to_contain_text(
        live.t("sv", "Your recording is ready. Listen to it, then send."))
    assert page.evaluate("document.querySelector('form#write input[type=file]').files.length") == 1
    _send(page)

    expect(page).to_have_url(re.compile(r"/talk/t/\d+$"))
    thread_id = _thread_id(page)
    [post] = live.posts_in(thread_id)
    assert post["author_id"] == member.id and post["body"] is None
    mime, size, duration_ms = post["voice"]
    assert mime in ("audio/webm", "audio/mp4")
    assert 1_000 <= duration_ms <= 6_000, duration_ms
    voice_url = f"/talk/posts/{post['id']}/voice"
    article = page.locator(f"#post-{post['id']}")
    expect(article).to_contain_text(live.t("sv", "Voice message"))
    expect(article.locator("audio")).to_have_attribute("src", voice_url)

    # Her own phone can play it.
    resp = page.request.get(voice_url)
    assert resp.status == 200
    assert resp.headers["content-type"].split(";")[0] in ("audio/webm", "audio/mp4")
    assert len(resp.body()) == size
    assert "no-store" in resp.headers.get("cache-control", "")

    # Not logged in: sent to the login page.
    anonymous = new_context()
    resp = anonymous.request.get(voice_url, max_redirects=0)
    assert resp.status == 302
    assert "/login" in resp.headers["location"]

    # A member of another program: it does not exist for her.
    stranger = live.member_elsewhere()
    stranger_page = new_context().new_page()
    _log_in(stranger_page, live, stranger)
    resp = stranger_page.request.get(voice_url)
    assert resp.status == 404
    assert not resp.headers["content-type"].startswith("audio/")


# --- d. axe-core and the 44 px rule on thread pages ------------------------------------------


def _rich_thread(live: Live, member: Member, link: bool = True) -> dict[str, int]:
    """A conversation with everything a thread page can show: her own fresh post (she can
    change it), another member's post she agreed with and one she reported, a voice note with
    staff's written version, a post hidden by staff, a post on hold after three reports, the
    program's answer, and a draft proposal made from it."""
    others = [live.member() for _ in range(5)]
    topic_id = live.topic()
    opener_text = "Kan vi få hjälp med CV på engelska?" + (" Se www.example.org/cv" if link else "")
    thread_id, opener = live.thread(others[0], opener_text, topic_id=topic_id)
    mine = live.reply(member, thread_id, "Ja, det vill jag också. Jag har ett CV på arabiska.")
    voice = live.reply(others[1], thread_id, voice=VOICE.read_bytes())
    live.staff_transcript(voice, "Jag vill ha hjälp med mitt CV.")
    hidden = live.reply(others[2], thread_id, "Något som inte hör hit.")
    live.staff_hide(hidden, "Texten handlade om en annan person.")
    held = live.reply(others[3], thread_id, "Ett inlägg som tre har anmält.")
    for reporter in others[:3]:
        live.report_post(reporter, held)
    reported = live.reply(others[4], thread_id, "Jag tycker att CV är onödigt.")
    live.report_post(member, reported)
    with live.ctx():
        from feedback.extensions import db
        from feedback.threads import services as threads
        from feedback.threads.models import Post, Thread

        threads.agree(live._writer(member), db.session.get(Post, opener))
        threads.proposal_from_posts(live._writer(None), db.session.get(Thread, thread_id), [opener, mine])
    answer = live.staff_reply(thread_id, "Ja! På träffen i mars hjälper en rekryterare er med CV på engelska.")
    return {"thread": thread_id, "topic": topic_id, "mine": mine, "voice": voice, "hidden": hidden,
            "held": held, "answer": answer}


def _open_all_details(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_member_thread_pages_are_accessible(page: Page, live: Live, language: str):
    member = live.member(language=language)
    ids = _rich_thread(live, member)
    _log_in(page, live, member)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    problems: list[str] = []

    page.goto("/talk")
    expect(page.locator(f"a[href='/talk/t/{ids['thread']}']")).to_be_visible()
    problems += axe_problems(page, f"talk ({language})")

    page.goto(f"/talk/topic/{ids['topic']}")
    expect(page.locator("form#write [data-recorder]")).to_be_visible()
    problems += axe_problems(page, f"topic page with the start form ({language})")

    page.goto(f"/talk/t/{ids['thread']}")
    expect(page.locator(f"#post-{ids['voice']} audio")).to_be_visible()
    expect(page.locator(f"#post-{ids['answer']}.post-official")).to_be_visible()
    expect(page.locator(f"#post-{ids['hidden']}")).to_contain_text("Texten handlade om en annan person.")
    expect(page.locator(f"#post-{ids['held']}")).to_contain_text(live.t(language, "Hidden until staff have looked at it."))
    problems += axe_problems(page, f"thread page ({language})")
    _open_all_details(page)
    problems += axe_problems(page, f"thread page, every 'more' opened ({language})")

    page.goto(f"/talk/posts/{ids['mine']}/edit")
    expect(page.locator("#body")).to_have_value("Ja, det vill jag också. Jag har ett CV på arabiska.")
    problems += axe_problems(page, f"edit her post ({language})")

    page.goto("/me/news")
    expect(page.locator(f".news-list a[href='/talk/t/{ids['thread']}']").first).to_be_visible()
    problems += axe_problems(page, f"news ({language})")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_member_thread_form_errors_are_accessible(page: Page, live: Live):
    member = live.member()
    _log_in(page, live, member)
    page.goto(f"/talk/topic/{live.topic()}")
    _send(page)  # nothing written, nothing recorded
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, "topic page, start form with an error")


def test_staff_thread_page_is_accessible(staff_page: Page, live: Live):
    member = live.member()
    ids = _rich_thread(live, member)
    page = staff_page
    page.goto(f"/talk/t/{ids['thread']}")
    expect(page.locator("#to-proposal")).to_be_visible()
    expect(page.locator(f"#post-{ids['held']} .staff-tools")).to_be_visible()
    expect(page.locator(f"#post-{ids['held']}")).to_contain_text("Ett inlägg som tre har anmält.")
    expect(page.locator(f"#post-{ids['mine']} .post-author")).to_contain_text(member.name)
    problems = axe_problems(page, "staff: thread page with staff tools")
    _open_all_details(page)
    problems += axe_problems(page, "staff: thread page, every staff tool opened")
    page.goto(f"/talk/topic/{ids['topic']}")
    problems += axe_problems(page, "staff: topic page")
    # The queue, with this thread's reports in it (the held post first: three reports).
    page.goto(f"/staff/{live.program_id}/feedback")
    expect(page.locator(f"#reported-h ~ .table-wrap a[href='/talk/t/{ids['thread']}#post-{ids['held']}']").first
           ).to_be_visible()
    problems += axe_problems(page, "staff: feedback page with reported posts")
    page.goto(f"/staff/{live.program_id}/topics/")
    expect(page.locator(f"a[href='/talk/topic/{ids['topic']}']")).to_be_visible()
    problems += axe_problems(page, "staff: topics")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_member_thread_pages_have_big_touch_targets(page: Page, live: Live, language: str):
    member = live.member(language=language)
    ids = _rich_thread(live, member, link=False)  # a web address in a post: the test below
    _log_in(page, live, member)

    page.goto("/talk")
    assert_touch_targets(page, "talk")
    page.goto(f"/talk/topic/{ids['topic']}")
    expect(page.locator("form#write [data-recorder]")).to_be_visible()
    assert_touch_targets(page, "topic page")
    page.goto(f"/talk/t/{ids['thread']}")
    expect(page.locator(f"#post-{ids['answer']}")).to_be_visible()
    assert_touch_targets(page, "thread page")
    _open_all_details(page)
    assert_touch_targets(page, "thread page, report opened")
    page.goto(f"/talk/posts/{ids['mine']}/edit")
    assert_touch_targets(page, "edit her post")
    page.goto("/me/news")
    assert_touch_targets(page, "news")


def test_a_web_address_in_a_post_passes_the_touch_target_rule(page: Page, live: Live):
    member, other = live.member(), live.member()
    thread_id, post = live.thread(other, "Titta här: www.example.org/praktik och säg vad du tycker.",
                                  topic_id=live.topic())
    _log_in(page, live, member)
    page.goto(f"/talk/t/{thread_id}")
    expect(page.locator(f"#post-{post} a.post-link")).to_have_attribute("href", "https://www.example.org/praktik")
    assert_touch_targets(page, "thread page with a web address in a post")
