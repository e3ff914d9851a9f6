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
    path("<int:pk>/claim/", views.project_claim, name="project-claim"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/<int:pk>/attachment/", views.claim_attachment, name="claim-attachment"),
    path("claims/<int:pk>/endorse/", views.claim_endorse, name="claim-endorse"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim-approve"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim-reject"),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim-withdraw"),
    path("green-channel/", views.case_list, name="case-list"),
    path("green-channel/new/", views.case_create, name="case-create"),
    path("green-channel/<int:pk>/", views.case_detail, name="case-detail"),
    path("green-channel/<int:pk>/take/", views.case_take, name="case-take"),
    path("green-channel/<int:pk>/resolve/", views.case_resolve, name="case-resolve"),
    path("green-channel/<int:pk>/close/", views.case_close, name="case-close"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list-publish"),
    path("lists/<int:pk>/guide/", views.list_guide, name="list-guide"),
]
