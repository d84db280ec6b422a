from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.content.site_map import site_map
from cms.disclosure.views import catalogue_api
from core.health import health
from core.public_forms import challenge_view
from search.views import search_page
from sites.reader import toggle_elderly_mode

# Bad requests and bodies over the upload limit: Chinese pages (400, 413) instead of Django's English one.
handler400 = "core.http.bad_request"

urlpatterns = [
    # Wagtail's own Site editor would change a hostname or root page past the provisioning,
    # close and reopen actions (and speaks English): every /admin/sites/ URL opens 子站管理.
    re_path(r"^admin/sites/", RedirectView.as_view(pattern_name="sites_siteprofile:index")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/catalogue/", catalogue_api, name="catalogue_api"),
    path("a11y/elderly/", toggle_elderly_mode, name="elderly_mode"),
    path("wzdt/", site_map, name="site_map"),
    path("search/", search_page, name="search"),
    path("healthz/", health, name="health"),
    # The proof-of-work challenge every public form's widget fetches (core/public_forms.py).
    path("public-forms/challenge/", challenge_view, name="public_form_challenge"),
    path("", include("cms.content.feed_urls")),
    path("", include("cms.visits.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.DEBUG or settings.SERVE_MEDIA:
    from django.views.static import serve

    # Images only: documents go through /documents/ and its privacy check, never /media/.
    for folder in ("original_images", "images"):
        urlpatterns += [
            re_path(
                rf"^{settings.MEDIA_URL.lstrip('/')}{folder}/(?P<path>.*)$",
                serve,
                {"document_root": settings.MEDIA_ROOT / folder},
            )
        ]

urlpatterns += [path("", include(wagtail_urls))]
