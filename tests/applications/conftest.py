"""Fixtures of the 依申请公开 tests: a department's application page and cases submitted to it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone
from wagtail.models import Page

from cms.applications.actions import ApplicationSubmission, RegisterApplicationAction, SubmitApplicationAction
from cms.applications.models import (
    ApplicantType,
    Application,
    ApplicationPage,
    DeliveryForm,
    DeliveryMeans,
    IdDocumentType,
)
from cms.applications.pages import disclosure_column


def application_page_of(site) -> ApplicationPage:
    return Page.objects.child_of(disclosure_column(site)).type(ApplicationPage).get().specific


def submission(**fields) -> ApplicationSubmission:
    values = dict(
        applicant_type=ApplicantType.NATURAL_PERSON,
        name="李四",
        id_type=IdDocumentType.RESIDENT_ID,
        id_number="34180219800101123X",
        phone="13955630000",
        email="lisi@example.com",
        description="宣州区教育局2025年义务教育阶段学校招生划片范围的文件（文号不详）",
        delivery_form=DeliveryForm.ELECTRONIC,
        delivery_means=DeliveryMeans.EMAIL,
        consented=True,
    )
    values.update(fields)
    return ApplicationSubmission(**values)


def apply(site, *, submitted: date | None = None, **fields) -> tuple[Application, str]:
    """An application submitted online through the real action; returns it with its query code."""
    at = timezone.make_aware(datetime.combine(submitted, datetime.min.time().replace(hour=9))) if submitted else None
    action = SubmitApplicationAction(application_page_of(site), submission(**fields), submitted_at=at)
    return action.execute(), action.query_code


def registered(site, user, on: date, **fields) -> Application:
    application, _ = apply(site, submitted=on, **fields)
    return RegisterApplicationAction(application, user, on=on).execute()


@pytest.fixture
def staff(department, township, make_user):
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "other_editor": make_user(township, "editor"),
        "overseer": make_user(None, "信息中心"),
    }
