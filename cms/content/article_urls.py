"""Article helpers served outside the page tree (view-count beacon)."""

urlpatterns: list = []
