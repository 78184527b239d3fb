"""The photo of a priority poll's own option: staff add, replace and remove it while the poll is
a draft. An option made from a proposal shows the proposal's photo and has none of its own.
The photo itself is made and stored by feedback.proposals.photos, as a proposal's is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError
from feedback.priorities.models import PriorityOption, PriorityPoll
from feedback.priorities.services import check_draft
from feedback.proposals import photos
from feedback.proposals.photo_models import ProposalPhoto


def _check_own(poll: PriorityPoll, option: PriorityOption) -> None:
    check_draft(poll)
    if option.proposal_id is not None:
        raise RuleError(_l("This option shows the photo of its proposal: change the photo there."),
                        status=409, field="photo")


def save_option_photo(poll: PriorityPoll, option: PriorityOption, data: bytes | None, alt_sv: str,
                      alts: dict[str, str], actor_id: int | None) -> ProposalPhoto:
    _check_own(poll, option)
    return photos.save_photo(option, data, alt_sv, alts, actor_id)


def remove_option_photo(poll: PriorityPoll, option: PriorityOption) -> bool:
    _check_own(poll, option)
    return photos.remove_photo(option)
