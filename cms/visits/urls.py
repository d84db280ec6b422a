from django.urls import path

from .views import view_beacon

# Under /api/, which the anonymous page cache never stores (PAGE_CACHE_EXEMPT_PREFIXES).
urlpatterns = [
    path("api/views/<id:page_id>/", view_beacon, name="view_beacon"),
]
