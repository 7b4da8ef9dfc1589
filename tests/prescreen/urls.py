"""The site's URLs with the pre-screener mounted where the trial page expects it."""

from django.urls import include, path

from trialmatch.urls import urlpatterns as site_urls

_mounted = any(getattr(p, "namespace", None) == "prescreen" for p in site_urls)
urlpatterns = [
    *([] if _mounted else [path("trials/<str:nct_id>/prescreen/", include("prescreen.urls"))]),
    *site_urls,
]
