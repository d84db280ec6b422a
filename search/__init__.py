"""Chinese analysis, indexing and the public search views (DESIGN §4).

Empty until the search capability lands; the page types already expose their
text through Wagtail's ``search_fields``.
"""
