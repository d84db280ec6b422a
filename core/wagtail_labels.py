"""Labels Wagtail builds without gettext, so zh-hans cannot reach them.

The rest of Wagtail's untranslated strings are msgids in ``locale/zh_Hans`` or, where a
template hard-codes English, a template override under ``core/templates``;
``tests/test_admin_chinese.py`` finds any that an upgrade brings back.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def label_wagtail_fields() -> None:
    """Page choosers declared without a label ("Page", from the field's name): the workflow
    editor's and the group editor's page permissions."""
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.users.forms import PagePermissionsForm

    for form in (WorkflowPageForm, PagePermissionsForm):
        form.base_fields["page"].label = _("Page")
