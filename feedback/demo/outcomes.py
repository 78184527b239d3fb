"""Demo decisions and program changes: the loop closed, so every page has something real to show."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from feedback.auth.models import User
from feedback.changes.models import ChangeFeedback, ChangeOrigin, ChangeStatus, ProgramChange
from feedback.common.clock import local_today, utcnow
from feedback.decisions.models import Decision, DecisionTranslation, Outcome
from feedback.extensions import db
from feedback.programs.models import Program
from feedback.proposals.models import Proposal, Status
from feedback.threads.models import Post


def build_demo_outcomes(program: Program, steering: User, staff: User, members: list[User]) -> None:
    now = utcnow()
    def oldest(status: str) -> Proposal | None:
        return db.session.scalar(sa.select(Proposal).where(Proposal.program_id == program.id, Proposal.status == status)
                                 .order_by(Proposal.voting_closed_at).limit(1))

    # One recommended and one voted proposal get decisions; the rest stay in the review queue.
    voted = [p for p in (oldest(Status.IN_REVIEW), oldest(Status.VOTED)) if p is not None]
    plans = [
        (Outcome.ACCEPTED, "Ja. Vi gör det från nästa termin. Många i gruppen tyckte att det var bra.", None,
         "Yes. We will do it from next term. Many in the group liked it."),
        (Outcome.ADAPTED, "Ja, men bara varannan månad. Vi har inte pengar till varje månad.",
         "Varannan månad i stället för varje månad.", None),
    ]
    decided: list[Decision] = []
    for p, (outcome, reason, changes_text, english) in zip(voted, plans, strict=False):
        at = (p.voting_closed_at or now) + timedelta(days=12)
        if p.status == Status.VOTED:
            p.move_to(Status.IN_REVIEW, steering.id).at = at - timedelta(days=1)
        p.move_to(Status.DECIDED, steering.id, note=outcome).at = at
        d = Decision(program_id=program.id, proposal_id=p.id, outcome=outcome, reason=reason, changes=changes_text,
                     decided_by_id=steering.id, decided_at=at)
        if english:
            d.translations.append(DecisionTranslation(language="en", reason=english))
        db.session.add(d)
        decided.append(d)
    db.session.flush()
    first_post = db.session.scalar(sa.select(Post).order_by(Post.id).limit(1))
    today = local_today()
    childcare = ProgramChange(
        program_id=program.id, title="Barnpassning på alla träffar",
        description="Nu finns barnpassning på alla träffar. Du behöver inte anmäla barnen i förväg.",
        changed_on=today - timedelta(days=40), status=ChangeStatus.DONE, progress=100,
        origin=ChangeOrigin.EXPERT_GROUP, review_on=today - timedelta(days=5), created_by_id=staff.id)
    if decided:
        childcare.decisions = decided[:1]
        childcare.proposals = [decided[0].proposal]
    if first_post is not None:
        childcare.posts = [first_post]
    practice = ProgramChange(
        program_id=program.id, title="Fler platser för praktik",
        description="Vi har fått fem nya företag som tar emot praktikanter. Fler kommer i vår.",
        changed_on=today - timedelta(days=10), status=ChangeStatus.IN_PROGRESS, progress=40,
        origin=ChangeOrigin.EXPERT_GROUP, created_by_id=staff.id)
    if len(decided) > 1:
        practice.decisions = decided[1:2]
    funder = ProgramChange(
        program_id=program.id, title="Ny rapport till finansiären",
        description="Programmet skickar en rapport två gånger per år.",
        changed_on=today - timedelta(days=70), status=ChangeStatus.DONE, progress=100,
        origin=ChangeOrigin.FUNDER, created_by_id=staff.id)
    db.session.add_all([childcare, practice, funder])
    db.session.flush()
    # The change is done, so the proposal behind it is implemented: the loop's last step.
    if decided:
        done_at = datetime.combine(childcare.changed_on, time(10))
        decided[0].proposal.move_to(Status.IMPLEMENTED, staff.id, note=f"change {childcare.id}").at = done_at
    for member, answer in zip(members[:6], ["yes", "yes", "a_little", "yes", "no", "yes"], strict=False):
        db.session.add(ChangeFeedback(change_id=childcare.id, user_id=member.id, answer=answer,
                                      reason="Nu kan jag komma." if answer == "yes" else None))
    program.public_page = True
    db.session.flush()
