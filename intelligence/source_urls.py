"""Routes of a case record's links page: the people, places, vehicles, phones and online handles
a CSE1, a strategy discussion or meeting, a CSE2 or a MACSE agenda item names."""

from django.urls import path

from intelligence import source_views as views

urlpatterns = [
    path("links/<slug:source>/<str:pk>/", views.source_links_page, name="source-links"),
]
