from django.urls import path

from . import views
from .open311 import key_urls

app_name = "supervision"
urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket-list"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/route/", views.ticket_route, name="ticket-route"),
    path("tickets/<int:pk>/answer/", views.ticket_answer, name="ticket-answer"),
    path("tickets/<int:pk>/send-back/", views.ticket_send_back, name="ticket-send-back"),
    path("tickets/<int:pk>/accept/", views.ticket_accept, name="ticket-accept"),
    path("tickets/<int:pk>/return/", views.ticket_return, name="ticket-return"),
    path("tickets/<int:pk>/dismiss/", views.ticket_dismiss, name="ticket-dismiss"),
    path("tickets/<int:pk>/restore/", views.ticket_restore, name="ticket-restore"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("windows/", views.point_list, name="point-list"),
    path("windows/new/", views.point_create, name="point-create"),
    path("windows/<int:pk>/", views.point_detail, name="point-detail"),
    path("windows/<int:pk>/edit/", views.point_edit, name="point-edit"),
    path("windows/<int:pk>/qr.png", views.point_qr, name="point-qr"),
    path("windows/<int:pk>/qr.pdf", views.point_sheet, name="point-sheet"),
    path("projects/<int:pk>/qr.pdf", views.project_sheet, name="project-sheet"),
    path("deadlines/", views.deadline_list, name="deadline-list"),
    path("deadlines/<int:pk>/", views.deadline_edit, name="deadline-edit"),
    *key_urls.urlpatterns,
]
