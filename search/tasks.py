"""Background work of the search index (django-tasks; after commit by default, cms/tasks.py)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def update_index(page_ids: list[int]) -> None:
    services.index_pages(page_ids)


@task()
def remove_from_index(page_ids: list[int]) -> None:
    services.remove_pages(page_ids)


@task()
def update_site_index(site_id: int) -> None:
    """Index a whole site: after it is provisioned (its columns) or its address changes (every URL)."""
    services.index_site(site_id)
