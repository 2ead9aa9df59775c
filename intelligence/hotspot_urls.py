"""Routes of the hotspots page: the locations and online handles named most in a period."""

from django.urls import path

from intelligence import hotspot_views as views

urlpatterns = [
    path("hotspots/", views.hotspot_list, name="hotspots"),
]
