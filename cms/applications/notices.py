"""The 告知书 a case has reason for (cms.notices renders them): which kinds fit, and their facts.

- 补正告知书 once a correction was requested (第三十条);
- 延期答复告知书 once extended (第三十三条第二款);
- 征求第三方意见书 per consultation (第三十二条), addressed to that third party;
- the answer's notice for its outcome group (table 3's （一）…（五）) once the answer is approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from cms.notices.context import NoticeContext
from cms.notices.kinds import NoticeKind

from .clock import clock_of, third_party_deadline, today
from .models import GROUP_OF_OUTCOME, OUTCOME_GROUPS, Application, ApplicationState

K = NoticeKind
# The outcome group (its label in OUTCOME_GROUPS) → the answer notice; （六）其他处理 has none.
ANSWER_KIND_OF_GROUP: dict[str, str] = dict(
    zip(
        (label for label, _ in OUTCOME_GROUPS[:5]),
        (K.ANSWER_DISCLOSE, K.ANSWER_PARTIAL, K.ANSWER_REFUSE, K.ANSWER_UNAVAILABLE, K.ANSWER_NOT_PROCESSED),
        strict=True,
    )
)


@dataclass(frozen=True)
class NoticeOffer:
    kind: str
    label: str
    pause: int | None = None  # the consultation's position (0-based) for 征求第三方意见书


def notices_of(application: Application, pauses) -> list[NoticeOffer]:
    offers = []
    if application.correction_requested_on:
        offers.append(NoticeOffer(K.CORRECTION, K.CORRECTION.label))
    if application.extension_days:
        offers.append(NoticeOffer(K.EXTENSION, K.EXTENSION.label))
    for n, pause in enumerate(pauses):
        offers.append(NoticeOffer(K.THIRD_PARTY, f"{K.THIRD_PARTY.label}（{pause.third_party}）", n))
    answered = application.state in (ApplicationState.ANSWERED, ApplicationState.DELIVERED)
    kind = ANSWER_KIND_OF_GROUP.get(GROUP_OF_OUTCOME.get(application.outcome, ""))
    if answered and kind:
        offers.append(NoticeOffer(kind, NoticeKind(kind).label))
    return offers


def notice_context(application: Application, kind: str, pause_index: int | None = None) -> NoticeContext | None:
    """The facts of the notice, or None when the case has no such notice."""
    pauses = list(application.pauses.all())
    if not any(o.kind == kind and (o.pause is None or o.pause == pause_index) for o in notices_of(application, pauses)):
        return None
    profile = application.unit.profile
    profile_name = profile.organisation.display_name
    clock = clock_of(application, pauses=pauses)
    context = NoticeContext(
        organisation=profile_name,
        case_number=application.number,
        applicant_name=application.name,
        received_date=application.received_on,
        description=application.description,
        notice_date=today(),
        due_date=clock.due_date,
        # The unit's 政府信息公开工作机构, as its 指南 gives it: where the applicant asks about the notice.
        contact="　".join(
            part
            for part in (
                profile.disclosure_office_address,
                profile.disclosure_office_phone and f"电话：{profile.disclosure_office_phone}",
            )
            if part
        ),
    )
    if kind == K.CORRECTION:
        context.notice_date = application.correction_requested_on
        context.body = application.correction_items
        context.correction_deadline = application.correction_deadline
    elif kind == K.EXTENSION:
        context.extension_days = application.extension_days
        context.extended_due_date = clock.due_date
        context.body = application.extension_reason
    elif kind == K.THIRD_PARTY:
        pause = pauses[pause_index]
        context.notice_date = pause.started_on
        context.third_party_name = pause.third_party
        context.third_party_deadline = third_party_deadline(pause.started_on)
    else:
        context.notice_date = application.concluded_on
        context.legal_basis = application.legal_basis
        context.body = application.answer
    return context
