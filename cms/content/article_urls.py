"""Article helpers served outside the page tree (view-count beacon)."""

from django.urls import path

from .article_views import view_count

# Under /api/, which the anonymous page cache never stores (PAGE_CACHE_EXEMPT_PREFIXES).
urlpatterns = [
    path("api/views/<id:page_id>/", view_count, name="article_view_count"),
]
