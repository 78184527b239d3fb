"""No user text in the feedback threads is ever rendered as HTML.

Script and HTML payloads go into every text field a user can fill in (post body of a new thread
and of a reply, the edited body, staff's written version of a voice note, staff's reason for
hiding a post, a topic's name, staff's answer); every page that shows them must carry the
escaped text and never the raw payload, no event handler, no script, no javascript: address.
Web addresses in posts become links that open without power over our page (rel noopener,
nofollow), and only http, https and www addresses become links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from feedback.extensions import db
from feedback.proposals import services as proposals
from feedback.proposals.models import Proposal
from feedback.threads.models import Post
from feedback.topics.models import Topic
from tests.payloads import PAYLOADS, check
from tests.routes_support import VOICE, build_world, new_client

# --- the test ----------------------------------------------------------------------------------


@dataclass
class Seeded:
    payload: str
    topic_id: int
    topic_name: str
    thread_id: int
    opener_id: int
    reply_id: int
    edited_id: int
    voice_id: int
    hidden_id: int
    answer_id: int
    proposal_id: int
    texts: dict[str, str] = field(default_factory=dict)


def _post_id(resp) -> int:
    assert resp.status_code == 302, resp.status_code
    return int(resp.headers["Location"].rsplit("#post-", 1)[1])


def _thread_id(resp) -> int:
    assert resp.status_code == 302, resp.status_code
    return int(re.search(r"/talk/t/(\d+)", resp.headers["Location"]).group(1))


def _seed(i: int, payload: str, w, member, target, staff) -> Seeded:
    """Every text field of the feature, filled with this payload through the real forms."""
    a = w.prog.id
    texts = {
        "topic": f"Ämne {i} {payload}",
        "opener": f"Start {i} {payload}",
        "reply": f"Svar {i} {payload}",
        "edited": f"Ändrat {i} {payload}",
        "transcript": f"Utskrift {i} {payload}",
        "reason": f"Skäl {i} {payload}",
        "answer": f"Personalens svar {i} {payload}",
    }
    resp = staff.post(f"/staff/{a}/topics/", data={"name": texts["topic"], "icon": "chat"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    topic_id = db.session.scalar(sa.select(Topic.id).where(Topic.program_id == a, Topic.name == texts["topic"]))
    assert topic_id is not None

    tid = _thread_id(member.post(f"/talk/topic/{topic_id}", data={"body": texts["opener"]}))
    reply_id = _post_id(target.post(f"/talk/t/{tid}", data={"body": texts["reply"]}))
    edited_id = _post_id(member.post(f"/talk/t/{tid}", data={"body": "Ett utkast."}))
    assert member.post(f"/talk/posts/{edited_id}/edit", data={"body": texts["edited"]}).status_code == 302
    voice_id = _post_id(target.post(f"/talk/t/{tid}", data={"body": "", "voice": (VOICE.open("rb"), "voice.webm")}))
    assert staff.post(f"/talk/posts/{voice_id}/transcript", data={"transcript": texts["transcript"]}).status_code == 302
    hidden_id = _post_id(target.post(f"/talk/t/{tid}", data={"body": f"Dolt inlägg {i}"}))
    assert staff.post(f"/talk/posts/{hidden_id}/hide", data={"reason": texts["reason"]}).status_code == 302
    # Not the official answer: the thread stays in staff's "waiting for an answer" list.
    answer_id = _post_id(staff.post(f"/talk/t/{tid}", data={"body": texts["answer"]}))
    assert member.post(f"/talk/posts/{reply_id}/report").status_code == 302
    opener_id = db.session.scalar(sa.select(sa.func.min(Post.id)).where(Post.thread_id == tid))
    resp = staff.post(f"/talk/t/{tid}/proposal", data={"post_ids": [str(opener_id), str(reply_id)]})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    proposal_id = int(re.search(r"/proposals/(\d+)/edit", resp.headers["Location"]).group(1))
    return Seeded(payload, topic_id, texts["topic"], tid, opener_id, reply_id, edited_id, voice_id, hidden_id,
                  answer_id, proposal_id, texts)


def test_thread_text_is_escaped_everywhere_it_is_shown(app, make, login):
    w = build_world(make)
    a = w.prog.id
    member = login(w.users["member"], new_client(app))
    target = login(w.target, new_client(app))
    staff = login(w.users["staff"], new_client(app))
    seeded = [_seed(i, p, w, member, target, staff) for i, p in enumerate(PAYLOADS)]

    # The proposals made from the posts are opened for voting, so members see them too.
    for s in seeded:
        proposals.open_voting(db.session.get(Proposal, s.proposal_id), None)
    db.session.commit()

    def get(client, url: str, **kw) -> str:
        resp = client.get(url, **kw)
        assert resp.status_code == 200, f"{url}: {resp.status_code}"
        return resp.get_data(as_text=True)

    for s in seeded:
        t = s.texts
        everything = [t["topic"], t["opener"], t["reply"], t["edited"], t["transcript"], t["answer"]]
        # The thread page: members see the reason in place of the hidden post; staff see both.
        for who, client in (("member", member), ("target", target)):
            check(get(client, f"/talk/t/{s.thread_id}"), f"thread page as {who} ({s.payload})",
                  [*everything, t["reason"]])
        check(get(staff, f"/talk/t/{s.thread_id}"), f"thread page as staff ({s.payload})",
              [*everything, t["reason"]], in_attributes=[t["transcript"]])
        # What the 10-second poll swaps in.
        check(get(member, f"/talk/t/{s.thread_id}?v=old", headers={"HX-Request": "true"}),
              f"thread poll partial ({s.payload})", [t["opener"], t["reply"], t["edited"], t["answer"]])
        # The topic page with its list of conversations.
        for who, client in (("member", member), ("staff", staff)):
            check(get(client, f"/talk/topic/{s.topic_id}"), f"topic page as {who} ({s.payload})",
                  [t["topic"], t["opener"]])
        # Her post's edit page: the text is in the textarea, escaped.
        check(get(member, f"/talk/posts/{s.edited_id}/edit"), f"edit page ({s.payload})", [t["edited"]])
        # Staff: the topic's own form, the proposal made from the posts and its edit form.
        check(get(staff, f"/staff/{a}/topics/{s.topic_id}/edit"), f"topic form ({s.payload})",
              [t["topic"]], in_attributes=[t["topic"]])
        check(get(staff, f"/staff/{a}/proposals/{s.proposal_id}"), f"staff proposal page ({s.payload})",
              [t["opener"], t["reply"]])
        check(get(staff, f"/staff/{a}/proposals/{s.proposal_id}/edit"), f"staff proposal form ({s.payload})",
              in_attributes=[t["opener"]])
        # The member's proposal page, with "this proposal came from the group's feedback".
        page = check(get(member, f"/p/{s.proposal_id}"), f"member proposal page ({s.payload})",
                     [t["opener"], t["reply"]])
        assert any(link.get("href", "").startswith(f"/talk/t/{s.thread_id}#post-") for link in page.links)

    # Lists that show every seeded thread at once.
    openers = [s.texts["opener"] for s in seeded]
    topics = [s.topic_name for s in seeded]
    check(get(member, "/talk"), "/talk as member", [*topics, *openers])
    check(get(target, "/talk"), "/talk as target", topics)
    staff_feedback = check(get(staff, f"/staff/{a}/feedback"), "staff feedback page",
                           [*openers, *topics, *(s.texts["reply"] for s in seeded)])
    assert all(f"/talk/t/{s.thread_id}" in {link.get("href") for link in staff_feedback.links} for s in seeded)
    check(get(staff, f"/staff/{a}/topics/"), "staff topics page", topics)
    check(get(staff, f"/staff/{a}/proposals/"), "staff proposals list", openers)
    # News: "you can vote now" with each proposal's title, made from her words.
    check(get(member, "/me/news"), "member news", openers)
    check(get(target, "/me/news"), "target news", openers)


def test_a_refused_post_shows_her_text_again_escaped(app, make, login):
    w = build_world(make)
    member = login(w.users["member"], new_client(app))
    staff = login(w.users["staff"], new_client(app))
    for payload in PAYLOADS:
        too_long = f"{payload} " + "x" * 2001
        resp = member.post(f"/talk/topic/{w.topic.id}", data={"body": too_long})
        assert resp.status_code == 400
        check(resp.get_data(as_text=True), f"refused new thread ({payload})", [too_long])
        resp = member.post(f"/talk/t/{w.thread.id}", data={"body": too_long})
        assert resp.status_code == 400
        check(resp.get_data(as_text=True), f"refused reply ({payload})", [too_long])
        resp = member.post(f"/talk/posts/{w.own_post.id}/edit", data={"body": too_long})
        assert resp.status_code == 400
        check(resp.get_data(as_text=True), f"refused edit ({payload})", [too_long])
        resp = staff.post(f"/staff/{w.prog.id}/topics/", data={"name": f"{payload} " + "y" * 120, "icon": "chat"})
        assert resp.status_code == 400
        check(resp.get_data(as_text=True), f"refused topic ({payload})", in_attributes=[f"{payload} " + "y" * 120])


LINK_TEXT = (
    "Läs https://example.org/a, och www.example.org/b. Inte javascript:alert(1) eller JavaScript:alert(2) "
    "eller ftp://example.org/c eller data:text/html;base64,PHNjcmlwdD4= eller mailto:a@example.org "
    "eller vbscript:msgbox(1) eller http://example.org/d?q=1&x=2"
)


def test_web_addresses_become_safe_links_and_nothing_else_does(app, make, login):
    w = build_world(make)
    member = login(w.users["member"], new_client(app))
    target = login(w.target, new_client(app))
    staff = login(w.users["staff"], new_client(app))
    tid = _thread_id(member.post(f"/talk/topic/{w.topic.id}", data={"body": LINK_TEXT}))
    reply = _post_id(target.post(f"/talk/t/{tid}", data={"body": LINK_TEXT}))
    voice = _post_id(target.post(f"/talk/t/{tid}", data={"voice": (VOICE.open("rb"), "voice.webm")}))
    assert staff.post(f"/talk/posts/{voice}/transcript", data={"transcript": LINK_TEXT}).status_code == 302

    for who, client in (("member", member), ("staff", staff)):
        html = client.get(f"/talk/t/{tid}").get_data(as_text=True)
        page = check(html, f"thread page with links as {who}", [LINK_TEXT])
        from_posts = [link for link in page.links if "post-link" in link.get("class", "").split()]
        # Opener, reply and the written version of the voice note: three addresses each.
        hrefs = [link["href"] for link in from_posts]
        assert hrefs == ["https://example.org/a", "https://www.example.org/b", "http://example.org/d?q=1&x=2"] * 3, (
            who, hrefs)
        for link in from_posts:
            rel = link.get("rel", "").split()
            assert "noopener" in rel and "nofollow" in rel, link
        for link in page.links:
            href = link.get("href", "").strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:", "ftp:")), link
        assert f'id="post-{reply}"' in html
