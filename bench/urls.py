"""The production URLs plus the baseline endpoints (benchmark servers only)."""

from django.urls import path

from bench import views
from config.urls import handler404
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/baseline/get", views.baseline_get),
    path("bench/baseline/post", views.baseline_post),
    path("bench/baseline/render", views.baseline_render),
    path("bench/facturx/render", views.facturx_render),
    *app_urlpatterns,
]

__all__ = ["handler404", "urlpatterns"]
