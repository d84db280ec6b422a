"""The database backend's index: one row per live public page.

Derived data: ``python manage.py rebuild_search_index`` recreates it from the
page tree at any time. The ``*_terms`` columns hold pre-segmented text
(search/analysis.py); PostgreSQL keeps a weighted ``tsvector`` of them under a
GIN index, SQLite an FTS5 table fed by triggers (see the migrations).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ContentType(models.TextChoices):
    """What kind of page a hit is, for the 类型 facet."""

    ARTICLE = "article", "新闻资讯"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    ANNUAL_REPORT = "annual_report", "年度报告"
    DISCLOSURE_INFO = "disclosure_info", "公开指南与制度"
    COLUMN = "column", "栏目"


SAMPLE_BUCKETS = 64


def sample_bucket(page_id: int) -> int:
    """0–63 by Fibonacci hashing, so consecutive page ids land in different buckets."""
    return ((page_id * 2654435761) & 0xFFFFFFFF) >> 26


class SearchEntry(models.Model):
    page = models.OneToOneField("wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="+")
    # Indexed with the date below: a site_id-only index made PostgreSQL AND the
    # whole cluster's rows into every text search scoped to all sites.
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+", db_index=False)
    organisation = models.ForeignKey(
        "sites.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    topic = models.ForeignKey("disclosure.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    genre = models.CharField(max_length=10, blank=True)
    validity = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    publication_date = models.DateTimeField(null=True, blank=True)
    date_formed = models.DateField(null=True, blank=True)
    index_number = models.CharField(max_length=100, blank=True, db_index=True)
    document_number = models.CharField(max_length=60, blank=True, db_index=True)
    in_catalogue = models.BooleanField(default=False)
    # The page it was pushed from (alias or copy), else its own id: a search lists
    # one hit per original, the earliest page of each group it matches.
    original_id = models.IntegerField(db_index=True)

    # What a hit shows.
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    column_path = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)  # summary + body + attachments, plain, for snippets

    # What is searched (space-separated terms).
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # PostgreSQL only: ``vector`` (title A, summary B, body C) is what matches;
    # ``head_vector`` (title and summary) is what ranks — small enough to stay
    # uncompressed in the row, so ranking thousands of matches stays cheap.
    # A trigger computes both from the terms as the row is written (migration 0005).
    vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)

    # Which 1/64 of the index a row falls in, spread by a hash of the page id:
    # PostgreSQL estimates the totals and facets of very common words from one
    # bucket instead of reading every match (search/backends/database.py).
    sample_bucket = models.PositiveSmallIntegerField(default=0, editable=False)

    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "搜索索引条目"
        verbose_name_plural = "搜索索引条目"
        indexes = [
            models.Index(fields=["site", "-publication_date"], name="search_entry_site_date"),
            models.Index(fields=["-publication_date"], name="search_entry_date"),
            # Facet filters: PostgreSQL ANDs these with the text index's bitmap,
            # so "建设, 类型 政策文件" reads only rows that pass both.
            models.Index(fields=["content_type"], name="search_entry_content_type"),
            models.Index(fields=["genre"], name="search_entry_genre"),
            models.Index(fields=["validity"], name="search_entry_validity"),
            models.Index(fields=["year", "-publication_date"], name="search_entry_year_date"),
        ]

    def __str__(self) -> str:
        return self.title
