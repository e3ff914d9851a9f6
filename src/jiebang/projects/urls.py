from django.urls import path

from . import competition_views as compete
from . import dispatch_views as dispatch
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
    path("<int:pk>/compete/", compete.competition_create, name="competition-create"),
    path("competitions/", compete.competition_list, name="competition-list"),
    path("competitions/<int:pk>/", compete.competition_detail, name="competition-detail"),
    path("competitions/<int:pk>/edit/", compete.competition_edit, name="competition-edit"),
    path(
        "competitions/<int:pk>/criteria/",
        compete.competition_criteria,
        name="competition-criteria",
    ),
    path("competitions/<int:pk>/start/", compete.competition_start, name="competition-start"),
    path("competitions/<int:pk>/close/", compete.competition_close, name="competition-close"),
    path("competitions/<int:pk>/cancel/", compete.competition_cancel, name="competition-cancel"),
    path("competitions/<int:pk>/score/", compete.competition_score, name="competition-score"),
    path(
        "competitions/<int:pk>/score/<int:claim_pk>/",
        compete.competition_score_pitch,
        name="competition-score-pitch",
    ),
    path(
        "competitions/<int:pk>/results/",
        compete.competition_results,
        name="competition-results",
    ),
    path("dispatch/", dispatch.assign_index, name="assign-index"),
    path("dispatch/<int:pk>/", dispatch.assign_run, name="assign-run"),
    path(
        "dispatch/<int:pk>/projects/<int:project_pk>/",
        dispatch.assign_pair,
        name="assign-pair",
    ),
    path("dispatch/<int:pk>/confirm/", dispatch.assign_confirm, name="assign-confirm"),
    path("dispatch/units/", dispatch.assign_units, name="assign-units"),
    path("dispatch/units/<int:pk>/", dispatch.assign_unit_edit, name="assign-unit-edit"),
    path("mine/", dispatch.my_projects, name="my-projects"),
    path("dimensions/", views.dimension_list, name="dimension-list"),
    path("dimensions/<int:pk>/", views.dimension_edit, name="dimension-edit"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list-publish"),
    path("lists/<int:pk>/guide/", views.list_guide, name="list-guide"),
]
