"""Closing the loop in a real browser at 360 px: a member votes, the steering group decides,
staff record the change, and the member sees all three on "What happened with our ideas" with
her own vote marked; the readability hint while typing; "Did this change help?" with and
without JavaScript; the public page and its Atom feed; axe-core and the 44 px rule on every
new page."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from feedback.common.lix import readability

from .support import STEERING_EMAIL, Live, Member, assert_accessible, assert_touch_targets, axe_problems

pytestmark = [pytest.mark.browser]

ATOM = "{http://www.w3.org/2005/Atom}"
_n = itertools.count(1)


def _tag() -> str:
    return f"{next(_n):03d}-{id(_n) % 1000:03d}"


def _lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or "sv"


def _log_in(page: Page, live: Live, member: Member) -> None:
    """Her link on this phone. When someone else is logged in on it, the app asks first
    (issue 15, finding 11): she says yes."""
    page.goto(member.link)
    if "/in/" in page.url:
        expect(page.locator("h1")).to_contain_text(live.t("sv", "This link is for another person."))
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/me")


def _assert_no_sideways_scroll(page: Page, what: str) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert client == 360, f"{what}: the test expects a 360 px phone, the page is {client} px wide"
    assert scroll <= client, f"{what} ({page.url}) is {scroll} px wide on a {client} px screen"


def _you_voted(live: Live, lang: str, choice_word: str) -> str:
    return live.t(lang, "You voted: %(choice)s", choice=live.t(lang, choice_word))


def _record_change_in_browser(page: Page, live: Live, title: str, description: str, decision_id: int | None = None,
                              status: str = "in_progress", progress: int = 40) -> dict:
    """Staff fill in "Record a change" on the staff page and save it; the change as stored."""
    page.goto(f"/staff/{live.program_id}/changes/")
    lang = _lang(page)
    page.locator(f"main a[href='/staff/{live.program_id}/changes/new']").click()
    expect(page).to_have_url(f"{live.url}/staff/{live.program_id}/changes/new")
    expect(page.locator("h1")).to_have_text(live.t(lang, "Record a change"))
    # The date of the change starts as today.
    expect(page.locator("#changed_on")).to_have_value(live.today().isoformat())
    page.locator("#title").fill(title)
    page.locator("#description").fill(description)
    page.locator("#status").select_option(status)
    page.locator("#progress").fill(str(progress))
    page.locator("#origin").select_option("expert_group")
    if decision_id is not None:
        page.locator(f"#decision_ids-{decision_id}").check()
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/staff/{live.program_id}/changes/")
    expect(page.locator(".flash-success")).to_contain_text(live.t(lang, "The change is saved."))
    stored = live.change_titled(title)
    assert stored is not None, f"the change {title!r} was not stored"
    return stored


# --- a. the whole loop on a phone ------------------------------------------------------------


def test_member_votes_steering_decides_staff_record_and_she_sees_all_three(
        page: Page, steering_page: Page, staff_page: Page, live: Live):
    tag = _tag()
    member = live.member(name=f"Amal Påverkare {tag}")
    title = f"Fika efter träffen {tag}"
    # Two others have voted already: agree and disagree.
    pid = live.proposal(status="voting", title=title, summary="Vi dricker kaffe efter träffen.",
                        votes_cast=("agree", "disagree"))

    # 1. She votes on her phone, with JavaScript (htmx).
    _log_in(page, live, member)
    page.goto(f"/p/{pid}")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/p/{pid}/vote")) as voted:
        page.locator("#vote-panel label.choice-agree").click()
        page.locator("#vote-panel button[type=submit]").click()
    assert voted.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status")).to_contain_text(live.t("sv", "Thank you! Your vote is saved."))
    assert (member.id, "agree", None) in live.votes_on(pid)

    # 2. Staff close voting.
    live.close_voting(pid)

    # 3. The steering group: the queue shows the result, the decide page takes the decision.
    sp = steering_page
    sp.goto(f"/staff/{live.program_id}/review/")
    lang = _lang(sp)
    waiting = sp.locator("ul.cards > li.card").filter(has=sp.locator(f"a[href$='/review/{pid}']"))
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".result-agree")).to_contain_text("2 (67 %)")
    expect(waiting.locator(".result-disagree")).to_contain_text("1 (33 %)")
    waiting.locator(f"a[href$='/review/{pid}']").click()
    expect(sp).to_have_url(f"{live.url}/staff/{live.program_id}/review/{pid}")
    expect(sp.locator("h1")).to_have_text(title)
    group = sp.locator("section[aria-labelledby=votes-h]")
    expect(group.locator(".result-agree")).to_contain_text("2 (67 %)")
    expect(group.locator(".result-unsure")).to_contain_text("0 (0 %)")
    expect(group).to_contain_text(live.nt(lang, "%(num)s vote", "%(num)s votes", 3) % {"num": 3})

    reason = "Ja. Vi fikar efter varje träff från maj. Många i gruppen ville det."
    sp.locator("input[name=outcome][value=accepted]").check()
    sp.locator("#reason").fill(reason)
    with sp.expect_navigation():
        sp.locator("form:has(input[name=outcome]) button[type=submit]").click()
    expect(sp).to_have_url(f"{live.url}/staff/{live.program_id}/review/")
    expect(sp.locator(".flash-success")).to_contain_text(live.t(lang, "The decision is saved. Members can see it now."))
    decision = live.decision_on(pid)
    assert decision is not None
    assert (decision["outcome"], decision["reason"], decision["decided_by_id"], decision["status"]) == (
        "accepted", reason, live.user_by_email(STEERING_EMAIL), "decided")
    # Written to the audit log, with who decided.
    assert [(e["action"], e["actor_id"]) for e in live.audit_entries("decisions", decision["id"])] == [
        ("create", live.user_by_email(STEERING_EMAIL))]
    # It has left the queue and is among the latest decisions.
    expect(sp.locator(f"ul.cards a[href$='/review/{pid}']")).to_have_count(0)
    expect(sp.locator(f"table a[href$='/review/{pid}']")).to_have_text(title)

    # 4. Staff record the program change that the decision led to.
    change_title = f"Fika efter varje träff {tag}"
    change_text = "Nu finns kaffe och te efter varje träff. Du behöver inte ta med något."
    change = _record_change_in_browser(staff_page, live, change_title, change_text, decision_id=decision["id"])
    assert (change["program_id"], change["description"], change["status"], change["progress"], change["origin"],
            change["decision_ids"]) == (live.program_id, change_text, "in_progress", 40, "expert_group",
                                        [decision["id"]])
    listed = staff_page.locator(f"#change-{change['id']}")
    expect(listed).to_contain_text(change_title)
    expect(listed.locator(f"a[href$='/review/{pid}']")).to_contain_text(title)

    # 5. She opens "What happened with our ideas" from the menu on her phone.
    page.goto("/me")
    page.locator("nav.member-nav a[href='/me/ideas']").click()
    expect(page).to_have_url(f"{live.url}/me/ideas")
    mine = _you_voted(live, "sv", "Yes, good")

    item = page.locator(f"#decision-{decision['id']}")
    expect(item.locator(".outcome-title")).to_contain_text(title)
    said = item.locator("ul.said")
    expect(said.locator("li.c-agree")).to_contain_text(f"{live.t('sv', 'Yes, good')}: 2 (67 %)")
    expect(said.locator("li.c-unsure")).to_contain_text(f"{live.t('sv', 'Not sure')}: 0 (0 %)")
    expect(said.locator("li.c-disagree")).to_contain_text(f"{live.t('sv', 'No, not good')}: 1 (33 %)")
    expect(item).to_contain_text(live.t("sv", "The steering group decided:"))
    expect(item.locator(".decision-accepted")).to_have_text(live.t("sv", "Accepted"))
    expect(item.locator("p.body-text")).to_have_text(reason)
    expect(item.locator(".my-part")).to_contain_text(mine)

    changed = page.locator(f"#change-{change['id']}")
    expect(changed.locator(".outcome-title")).to_have_text(change_title)
    expect(changed.locator("p.body-text")).to_have_text(change_text)
    expect(changed.locator("progress")).to_have_attribute("value", "40")
    expect(changed).to_contain_text(live.t("sv", "The group's idea"))
    expect(changed.locator(".my-part")).to_contain_text(mine)  # the change came from what she voted for
    _assert_no_sideways_scroll(page, "what happened with our ideas")

    # Someone who did not vote sees the same decision, without a part of her own.
    other = live.member()
    _log_in(page, live, other)
    page.goto("/me/ideas")
    expect(page.locator(f"#decision-{decision['id']} p.body-text")).to_have_text(reason)
    expect(page.locator(f"#decision-{decision['id']} .my-part")).to_have_count(0)
    expect(page.locator(f"#change-{change['id']} .my-part")).to_have_count(0)


def test_her_post_behind_a_change_is_marked(page: Page, live: Live):
    member, other = live.member(), live.member()
    _thread, post_id = live.thread(member, "Vi behöver en lugn plats för barnen under träffen.", topic_id=live.topic())
    change_id = live.change(title=f"Lekrum under träffarna {_tag()}", post_ids=(post_id,))
    _log_in(page, live, member)
    page.goto("/me/ideas")
    mark = page.locator(f"#change-{change_id} .my-part")
    expect(mark).to_contain_text(live.t("sv", "Your post is part of this."))
    expect(mark).not_to_contain_text(live.t("sv", "You voted: %(choice)s", choice="").strip())
    _log_in(page, live, other)
    page.goto("/me/ideas")
    expect(page.locator(f"#change-{change_id}")).to_be_visible()
    expect(page.locator(f"#change-{change_id} .my-part")).to_have_count(0)


# --- b. the readability hint while typing ------------------------------------------------------

HARD = ("Styrgruppen konstaterade att arbetsmarknadsintegrationen förutsätter omfattande "
        "samverkansöverenskommelser mellan kommunala förvaltningar och statliga myndigheter")
EASY = "Vi ses på fredag. Det blir kul. Ta med kaffe."


def test_readability_hint_follows_the_text_as_she_types(steering_page: Page, live: Live):
    pid = live.proposal(status="voted", votes_cast=("agree",))
    page = steering_page
    page.goto(f"/staff/{live.program_id}/review/{pid}")
    lang = _lang(page)
    calls = []
    page.on("request", lambda r: calls.append(r) if r.url.endswith(f"/staff/{live.program_id}/readability") else None)
    page.evaluate("window.__sameDocument = true")
    box, hint = page.locator("#reason"), page.locator("#reason-lix")
    expect(hint).to_have_attribute("aria-live", "polite")
    expect(hint.locator(".lix-score")).to_have_count(0)  # nothing written yet

    hard = readability(HARD)
    assert hard is not None and hard.hard and hard.band == "very_hard"
    box.press_sequentially(HARD)
    score = hint.locator(".lix-score")
    expect(score).to_have_text(live.t(lang, "Readability (LIX): %(score)s, %(band)s.",
                                      score=round(hard.score), band=live.t(lang, "very hard")))
    expect(score).to_have_class(re.compile(r"\blix-very_hard\b"))
    expect(hint).to_contain_text(live.t(lang, "This is hard to read for many members. "
                                              "Use shorter sentences and everyday words."))
    expect(hint).to_contain_text(live.t(lang, "Long words:"))
    expect(hint.locator("mark.long-word")).to_have_text(list(hard.long_words[:8]))
    assert "arbetsmarknadsintegrationen" in hard.long_words[:8]

    box.fill(EASY)
    easy = readability(EASY)
    assert easy is not None and not easy.hard
    expect(score).to_have_text(live.t(lang, "Readability (LIX): %(score)s, %(band)s.",
                                      score=round(easy.score), band=live.t(lang, "very easy")))
    expect(score).to_have_class(re.compile(r"\blix-very_easy\b"))
    expect(hint.locator("mark.long-word")).to_have_count(0)
    expect(hint).not_to_contain_text(live.t(lang, "Long words:"))

    box.fill("")
    expect(hint.locator(".lix-score")).to_have_count(0)

    # Asked for by htmx on the same page, never by reloading it; and it saved nothing.
    assert calls and all(r.method == "POST" and r.headers.get("hx-request") == "true" for r in calls)
    assert page.evaluate("window.__sameDocument") is True
    assert live.decision_on(pid) is None


# --- c. "Did this change help?" -----------------------------------------------------------------


@pytest.mark.parametrize(("js", "answer", "word"), [(True, "yes", "Yes"), (False, "a_little", "A little")],
                         ids=["javascript", "no-javascript"])
def test_follow_up_question_is_asked_and_answered(request, live: Live, js: bool, answer: str, word: str):
    page: Page = request.getfixturevalue("page" if js else "nojs_page")
    member = live.member()
    tag = _tag()
    due = live.change(title=f"Barnpassning på lördagar {tag}", review_on="today")
    later = live.change(title=f"Ny lokal {tag}", review_on=live.today() + timedelta(days=7))
    live.answer_follow_up(live.member(), due, "no")  # another member answered before her
    earlier_answers = {"yes": 0, "a_little": 0, "no": 1}

    _log_in(page, live, member)
    page.goto("/me/ideas")
    item = page.locator(f"#change-{due}")
    form = item.locator("form.follow-up")
    expect(form.locator("legend")).to_have_text(live.t("sv", "Did this change help?"))
    expect(form.locator("label.choice")).to_have_count(3)
    # Not asked yet about a change whose day has not come.
    expect(page.locator(f"#change-{later}")).to_be_visible()
    expect(page.locator(f"#change-{later} form.follow-up")).to_have_count(0)

    icon = {"yes": "agree", "a_little": "unsure", "no": "disagree"}[answer]
    form.locator(f"label.choice-{icon}").click()
    expect(form.locator(f"input[name=answer][value={answer}]")).to_be_checked()
    form.locator(f"#reason-{due}").fill("Nu kan jag komma med barnen.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/me/ideas#change-{due}$"))
    expect(page.locator(".flash-success")).to_contain_text(live.t("sv", "Thank you for your answer!"))
    expect(item.locator("form.follow-up")).to_have_count(0)
    expect(item).to_contain_text(live.t("sv", "You answered: %(answer)s", answer=live.t("sv", word)))
    # The answers are shown with the change, hers counted.
    expected = {**earlier_answers, answer: earlier_answers[answer] + 1}
    counts = " · ".join(f"{live.t('sv', w)}: {expected[k]}"
                        for k, w in (("yes", "Yes"), ("a_little", "A little"), ("no", "No")))
    expect(item).to_contain_text(f"{live.t('sv', 'Did it help?')} {counts}")
    assert (member.id, answer, "Nu kan jag komma med barnen.") in live.follow_up_answers(due)
    assert live.follow_up_answers(later) == []


# --- d. the public page and its feed -------------------------------------------------------------


def test_public_page_and_feed_are_off_until_staff_switch_them_on(new_context, log_in_as, live: Live):
    own = live.own_program()
    visitor = new_context().new_page()  # nobody logged in
    page_path, feed_path = f"/public/{own.slug}", f"/public/{own.slug}/feed.atom"
    for path in (page_path, feed_path):
        assert visitor.request.get(path).status == 404, f"{path} answers while the public page is off"

    staff = log_in_as(own.staff_email)
    staff.goto(f"/staff/{own.id}/changes/")
    lang = _lang(staff)
    section = staff.locator("section[aria-labelledby=public-h]")
    expect(section).to_contain_text(live.t(lang, "The public page is off."))
    with staff.expect_navigation():
        section.get_by_role("button", name=live.t(lang, "Turn the public page on")).click()
    expect(staff.locator(".flash-success")).to_contain_text(live.t(lang, "The public page is on."))
    assert live.public_page_on(own.id)
    expect(section.locator(f"a[href='{page_path}']")).to_be_visible()
    expect(section.locator(f"a[href='{feed_path}']")).to_be_visible()

    response = visitor.goto(page_path)
    assert response is not None and response.status == 200
    expect(visitor.locator("h1")).to_contain_text(own.name)
    decision = visitor.locator(f"#decision-{own.decision_id}")
    expect(decision.locator(".outcome-title")).to_contain_text(own.proposal_title)
    expect(decision.locator(".decision-accepted")).to_have_text(live.t(_lang(visitor), "Accepted"))
    expect(decision.locator("p.body-text")).to_have_text(own.decision_reason)
    change = visitor.locator(f"#change-{own.change_id}")
    expect(change.locator(".outcome-title")).to_have_text(own.change_title)
    expect(change.locator("p.body-text")).to_have_text(own.change_description)
    _assert_no_sideways_scroll(visitor, "public page")
    expect(visitor.locator(f"link[rel=alternate][type='application/atom+xml'][href='{feed_path}']")).to_have_count(1)
    html = visitor.content()
    for name in own.names:
        assert name not in html, f"the public page shows a person's name: {name}"
        assert name.rsplit(" ", 1)[0] not in html, f"the public page shows a person's name: {name}"
    # Nor the members' own words: their reasons and posts stay inside the group.
    assert "Jag jobbar på dagen." not in html
    assert "Kan vi ses på kvällen?" not in html
    expect(visitor.locator(".my-part, form")).to_have_count(1)  # only the language switcher
    expect(visitor.locator("form.language-form")).to_have_count(1)

    feed = visitor.request.get(feed_path)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.body())  # well-formed XML, or this raises
    assert root.tag == f"{ATOM}feed"
    page_url = f"{live.url}{page_path}"
    assert root.findtext(f"{ATOM}id") == page_url
    assert root.find(f"{ATOM}title") is not None and root.findtext(f"{ATOM}title").strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.findtext(f"{ATOM}updated") or "")
    assert {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")} == {
        None: page_url, "self": f"{live.url}{feed_path}"}
    entries = {e.findtext(f"{ATOM}id"): e for e in root.findall(f"{ATOM}entry")}
    assert set(entries) == {f"{page_url}#decision-{own.decision_id}", f"{page_url}#change-{own.change_id}"}
    d = entries[f"{page_url}#decision-{own.decision_id}"]
    assert own.proposal_title in d.findtext(f"{ATOM}title")
    assert d.findtext(f"{ATOM}summary") == own.decision_reason
    c = entries[f"{page_url}#change-{own.change_id}"]
    assert c.findtext(f"{ATOM}title") == own.change_title
    assert c.findtext(f"{ATOM}summary") == own.change_description
    for entry_id, e in entries.items():
        assert e.find(f"{ATOM}link").get("href") == entry_id
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.findtext(f"{ATOM}updated") or "")
    feed_text = feed.text()
    for name in own.names:
        assert name.rsplit(" ", 1)[0] not in feed_text, f"the feed shows a person's name: {name}"

    # Off again: both addresses are gone.
    staff.goto(f"/staff/{own.id}/changes/")
    with staff.expect_navigation():
        section.get_by_role("button", name=live.t(lang, "Turn the public page off")).click()
    assert not live.public_page_on(own.id)
    for path in (page_path, feed_path):
        assert visitor.request.get(path).status == 404


# --- e. axe-core and the 44 px rule on every new page --------------------------------------------


def test_review_queue_and_decide_page_are_accessible(steering_page: Page, live: Live):
    member = live.member()
    pid = live.proposal(status="voting", title=f"Studiebesök {_tag()}", votes_cast=("agree", "unsure"))
    live.vote(pid, member, "disagree", "Det är svårt för mig att resa.")
    live.close_voting(pid)
    page = steering_page
    problems: list[str] = []

    page.goto(f"/staff/{live.program_id}/review/")
    expect(page.locator(f"ul.cards a[href$='/review/{pid}']")).to_be_visible()
    problems += axe_problems(page, "review queue")

    page.goto(f"/staff/{live.program_id}/review/{pid}")
    expect(page.locator("input[name=outcome]")).to_have_count(4)
    problems += axe_problems(page, "decide page with the form")
    page.locator("form:has(input[name=outcome]) details.more summary").click()
    expect(page.locator("#en-reason")).to_be_visible()
    problems += axe_problems(page, "decide page with the translations open")

    # Postponed without a date: the form comes back with the error.
    page.locator("input[name=outcome][value=postponed]").check()
    page.locator("#reason").fill("Vi bestämmer senare.")
    with page.expect_navigation():
        page.locator("form:has(input[name=outcome]) button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#postponed_until-error")).to_be_visible()
    assert live.decision_on(pid) is None
    problems += axe_problems(page, "decide page with an error")

    page.locator("input[name=outcome][value=adapted]").check()
    page.locator("#reason").fill("Ja, men bara en gång per termin.")
    page.locator("#changes").fill("En gång per termin i stället för varje månad.")
    page.locator("form:has(input[name=outcome]) details.more summary").click()
    page.locator("#en-reason").fill("Yes, but only once a term.")
    with page.expect_navigation():
        page.locator("form:has(input[name=outcome]) button[type=submit]").click()
    decision = live.decision_on(pid)
    assert decision is not None and decision["outcome"] == "adapted"
    assert decision["translations"] == {"en": "Yes, but only once a term."}
    problems += axe_problems(page, "review queue with the saved message")

    page.goto(f"/staff/{live.program_id}/review/{pid}")
    expect(page.locator("section[aria-labelledby=dec-h]")).to_contain_text("Ja, men bara en gång per termin.")
    expect(page.locator("input[name=outcome]")).to_have_count(0)
    problems += axe_problems(page, "decide page with the decision and the reopen form")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_change_pages_are_accessible(staff_page: Page, live: Live):
    pid = live.proposal(status="voted", votes_cast=("agree",))
    decision_id = live.decide(pid)
    change_id = live.change(title=f"Läxhjälp {_tag()}", decision_ids=(decision_id,), proposal_ids=(pid,),
                            review_on="today")
    page = staff_page
    problems: list[str] = []

    page.goto(f"/staff/{live.program_id}/changes/")
    expect(page.locator(f"#change-{change_id}")).to_be_visible()
    problems += axe_problems(page, "changes list")

    page.goto(f"/staff/{live.program_id}/changes/new")
    problems += axe_problems(page, "change form, new")
    page.locator("form.card details.more summary").last.click()
    problems += axe_problems(page, "change form, new, feedback links open")

    title = f"För mycket {_tag()}"
    page.locator("#title").fill(title)
    page.locator("#description").fill("Vi har gjort det.")
    page.locator("#progress").fill("120")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#progress-error")).to_have_text(live.t(_lang(page), "Progress is a number from 0 to 100."))
    expect(page.locator("#progress")).to_have_attribute("aria-invalid", "true")
    assert live.change_titled(title) is None
    problems += axe_problems(page, "change form with an error")

    page.goto(f"/staff/{live.program_id}/changes/{change_id}/edit")
    expect(page.locator(f"#decision_ids-{decision_id}")).to_be_checked()
    problems += axe_problems(page, "change form, correcting a change")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


AR_REASON = "نعم. مقهى اللغة كل ثلاثاء من مارس."


def _timeline_for(live: Live, member: Member) -> tuple[int, int]:
    """A decision she voted on, and a change from it that asks her "Did this change help?" today."""
    pid = live.proposal(status="voting", title=f"Språkcafé {_tag()}",
                        translations={"ar": ("مقهى اللغة", "نتحدث السويدية معًا."),
                                      "en": ("Language café", "We speak Swedish together.")},
                        votes_cast=("agree", "disagree"))
    live.vote(pid, member, "agree", "Jag vill öva svenska.")
    live.close_voting(pid)
    decision_id = live.decide(pid, "accepted", "Ja. Språkcafé varje tisdag från mars.",
                              translations={"ar": (AR_REASON, None)})
    change_id = live.change(title=f"Språkcafé på tisdagar {_tag()}", decision_ids=(decision_id,),
                            review_on="today", progress=60)
    return decision_id, change_id


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_ideas_page_is_accessible_with_a_follow_up_open(page: Page, live: Live, language: str):
    member = live.member(language=language)
    decision_id, change_id = _timeline_for(live, member)
    _log_in(page, live, member)
    page.goto("/me/ideas")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator(f"#decision-{decision_id} .my-part")).to_contain_text(
        _you_voted(live, language, "Yes, good"))
    reason = page.locator(f"#decision-{decision_id} p.body-text")
    if language == "ar":  # the steering group's reason in her language, marked as Arabic
        expect(reason).to_have_text(AR_REASON)
        expect(reason).to_have_attribute("lang", "ar")
    else:
        expect(reason).to_have_text("Ja. Språkcafé varje tisdag från mars.")
    expect(page.locator(f"#change-{change_id} form.follow-up")).to_be_visible()
    problems = axe_problems(page, f"what happened with our ideas ({language})")
    page.locator(f"#change-{change_id} label.choice-unsure").click()
    problems += axe_problems(page, f"what happened with our ideas, an answer chosen ({language})")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_ideas_page_has_big_touch_targets(page: Page, live: Live, language: str):
    member = live.member(language=language)
    _decision_id, change_id = _timeline_for(live, member)
    _log_in(page, live, member)
    page.goto("/me/ideas")
    expect(page.locator(f"#change-{change_id} form.follow-up")).to_be_visible()
    assert_touch_targets(page, f"what happened with our ideas ({language})")


def test_public_page_is_accessible(page: Page, live: Live):
    own = live.own_program()
    live.set_public_page(own.id, True)
    response = page.goto(f"/public/{own.slug}")
    assert response is not None and response.status == 200
    expect(page.locator(f"#change-{own.change_id}")).to_be_visible()
    assert_accessible(page, "public page")


def test_audit_log_records_staff_changes_and_filters(staff_page: Page, admin_page: Page, live: Live):
    # Staff record a change in the browser: the audit log must show it, and the filters find it.
    title = f"Ny tid för träffarna {_tag()}"
    change = _record_change_in_browser(staff_page, live, title, "Träffarna börjar klockan 17.")
    entries = live.audit_entries("program_changes", change["id"])
    assert [(e["action"], e["actor_name"]) for e in entries] == [("create", "Karin Samordnare")]
    assert entries[0]["changes"]["title"] == [None, title]

    page = admin_page
    page.goto("/admin/audit")
    lang = _lang(page)
    page.locator("#f-program").select_option(str(live.program_id))
    page.locator("#f-actor").fill("Karin")
    page.locator("#f-type").select_option("program_changes")
    page.locator("#f-action").select_option("create")
    page.locator("#f-from").fill((live.today() - timedelta(days=1)).isoformat())
    page.locator("#f-to").fill((live.today() + timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert "record_type=program_changes" in page.url and "action=create" in page.url
    row = page.locator("tbody tr").filter(has_text=f"program_changes {change['id']}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Karin Samordnare")
    expect(row).to_contain_text(title)
    for cell in page.locator("tbody tr td:nth-child(4)").all_text_contents():
        assert cell.startswith("program_changes "), cell
    for cell in page.locator("tbody tr td:nth-child(3)").all_text_contents():
        assert cell == "create", cell
    # The filters stay filled in.
    expect(page.locator("#f-actor")).to_have_value("Karin")
    expect(page.locator("#f-type")).to_have_value("program_changes")

    page.locator("#f-action").select_option("delete")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text(live.t(lang, "Nothing found."))


def test_audit_log_is_accessible(admin_page: Page, live: Live):
    page = admin_page
    page.goto("/admin/audit")
    problems = axe_problems(page, "audit log")
    page.goto(f"/admin/audit?program={live.program_id}&record_type=program_changes&action=create")
    problems += axe_problems(page, "audit log with filters")
    page.goto("/admin/audit?action=delete&actor=nobody-at-all")
    expect(page.locator("tbody")).to_contain_text(live.t(_lang(page), "Nothing found."))
    problems += axe_problems(page, "audit log, nothing found")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


# --- staff pages of the loop on the same phone -----------------------------------------------------

LOOP_STAFF_PAGES = [
    pytest.param("steering", "/staff/{pid}/review/", id="review-queue"),
    pytest.param("steering", "/staff/{pid}/review/{voted}", id="decide-page"),
    pytest.param("staff", "/staff/{pid}/changes/new", id="change-form"),
    pytest.param("staff", "/staff/{pid}/changes/", id="changes-list"),
]


@pytest.mark.parametrize(("who", "path"), LOOP_STAFF_PAGES)
def test_staff_pages_of_the_loop_fit_a_phone(request, live: Live, who: str, path: str):
    page: Page = request.getfixturevalue(f"{who}_page")
    voted = live.proposal(status="voted", votes_cast=("agree", "disagree"))
    live.set_public_page(live.program_id, True)  # as in the demo: the address is shown
    response = page.goto(path.format(pid=live.program_id, voted=voted))
    assert response is not None and response.status == 200
    _assert_no_sideways_scroll(page, f"{who}: {path}")


# --- dates: the day shown is the program's day, not the UTC day --------------------------------------

# 23:30 UTC on 10 March 2026 is 00:30 on 11 March in Uppsala (CET, UTC+1).
LATE_UTC = datetime(2026, 3, 10, 23, 30)


def test_audit_date_filter_uses_the_day_the_table_shows(admin_page: Page, live: Live):
    actor = f"Tidszon Testare {_tag()}"
    live.add_audit_entry(LATE_UTC, actor, "program_changes", "tz-1")
    page = admin_page
    page.goto(f"/admin/audit?actor={actor}")
    row = page.locator("tbody tr").filter(has_text=actor)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_contain_text("2026")
    expect(row.locator("td").first).to_contain_text(re.compile(r"\b11\b.*00:30"))  # shown in local time
    page.goto(f"/admin/audit?actor={actor}&from=2026-03-11&to=2026-03-11")
    expect(page.locator("tbody tr").filter(has_text=actor)).to_have_count(1)


def test_timeline_shows_the_local_day_of_a_decision(page: Page, steering_page: Page, live: Live):
    member = live.member()
    pid = live.proposal(status="voting", title=f"Sent beslut {_tag()}", votes_cast=("agree",))
    live.vote(pid, member, "agree")
    live.close_voting(pid)
    decision_id = live.decide(pid, reason="Ja. Vi gör det.")
    live.set_decided_at(decision_id, LATE_UTC)

    steering_page.goto(f"/staff/{live.program_id}/review/{pid}")
    expect(steering_page.locator("section[aria-labelledby=dec-h] .hint")).to_contain_text(
        re.compile(r"\b11 mar", re.IGNORECASE))  # the steering page: 11 March, local time
    _log_in(page, live, member)
    page.goto("/me/ideas")
    expect(page.locator(f"#decision-{decision_id} time")).to_have_attribute("datetime", "2026-03-11")
