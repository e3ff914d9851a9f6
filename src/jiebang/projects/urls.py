from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/withdraw/", views.project_withdraw, name="project-withdraw"),
    path(
        "<int:pk>/indicators/<int:indicator_pk>/remove/",
        views.indicator_remove,
        name="indicator-remove",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/remove/",
        views.milestone_remove,
        name="milestone-remove",
    ),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list-publish"),
    path("lists/<int:pk>/guide/", views.list_guide, name="list-guide"),
]
