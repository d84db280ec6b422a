"""Per-site feeds, sitemap and robots.txt, answered for the requesting site only."""

from django.urls import path

from .feeds import column_feed, robots_txt, site_feed, sitemap

urlpatterns = [
    path("rss.xml", site_feed, name="site_feed"),
    path("feeds/column/<id:page_id>/", column_feed, name="column_feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
