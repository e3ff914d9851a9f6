from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.expert_list, name="expert-list"),
    path("experts/new/", views.expert_create, name="expert-create"),
    path("experts/<int:pk>/", views.expert_detail, name="expert-detail"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert-edit"),
    path("projects/", views.project_pick, name="project-pick"),
    path("projects/<int:pk>/experts/", views.project_experts, name="project-experts"),
    path(
        "projects/<int:pk>/experts/assign/",
        views.project_expert_assign,
        name="project-expert-assign",
    ),
    path(
        "projects/<int:pk>/experts/<int:assignment_pk>/unassign/",
        views.project_expert_unassign,
        name="project-expert-unassign",
    ),
    path("advice/new/", views.advice_create, name="advice-create"),
    path("events/", views.event_list, name="event-list"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
]
