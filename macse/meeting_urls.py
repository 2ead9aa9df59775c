"""MACSE routes: the landing page, meetings, the agenda builder and agenda items."""

from django.urls import path

from macse import meeting_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/attendees/", views.attendee_add, name="meeting-attendee-add"),
    path("meetings/<int:pk>/attendance/", views.attendance_record, name="meeting-attendance"),
    path(
        "meetings/<int:pk>/confidentiality/",
        views.confidentiality,
        name="meeting-confidentiality",
    ),
    path("meetings/<int:pk>/items/new/", views.standing_item_add, name="meeting-standing-add"),
    path("meetings/<int:pk>/children/new/", views.child_item_add, name="meeting-child-add"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting-close"),
    path("meetings/<int:pk>/agenda/", views.agenda_builder, name="meeting-agenda"),
    path(
        "meetings/<int:pk>/cohort/<int:entry_pk>/keep-open/",
        views.cohort_keep_open,
        name="cohort-keep-open",
    ),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/move/", views.item_move, name="item-move"),
    path("items/<int:pk>/parents/", views.item_parents, name="item-parents"),
    path("items/<int:pk>/decision/", views.item_decide, name="item-decide"),
    path("items/<int:pk>/defer/", views.item_defer, name="item-defer"),
    path("items/<int:pk>/minutes/", views.item_minutes, name="item-minutes"),
]
