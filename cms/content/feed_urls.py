"""Per-site feeds, sitemap and robots.txt (filled in by the themes issue)."""

urlpatterns: list = []
