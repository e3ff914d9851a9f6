from django.urls import path

from .assign import views as assign
from .case import views as case
from .claim import views as claim
from .competition import views as compete
from .lists import views as lists
from .project import views as project

app_name = "projects"
urlpatterns = [
    path("", project.project_list, name="project-list"),
    path("new/", project.project_create, name="project-create"),
    path("<int:pk>/", project.project_detail, name="project-detail"),
    path("<int:pk>/edit/", project.project_edit, name="project-edit"),
    path("<int:pk>/withdraw/", project.project_withdraw, name="project-withdraw"),
    path(
        "<int:pk>/indicators/<int:indicator_pk>/remove/",
        project.indicator_remove,
        name="indicator-remove",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/remove/",
        project.milestone_remove,
        name="milestone-remove",
    ),
    path("<int:pk>/claim/", project.project_claim, name="project-claim"),
    path("claims/", claim.claim_list, name="claim-list"),
    path("claims/<int:pk>/attachment/", claim.claim_attachment, name="claim-attachment"),
    path("claims/<int:pk>/endorse/", claim.claim_endorse, name="claim-endorse"),
    path("claims/<int:pk>/approve/", claim.claim_approve, name="claim-approve"),
    path("claims/<int:pk>/reject/", claim.claim_reject, name="claim-reject"),
    path("claims/<int:pk>/withdraw/", claim.claim_withdraw, name="claim-withdraw"),
    path("green-channel/", case.case_list, name="case-list"),
    path("green-channel/new/", case.case_create, name="case-create"),
    path("green-channel/<int:pk>/", case.case_detail, name="case-detail"),
    path("green-channel/<int:pk>/take/", case.case_take, name="case-take"),
    path("green-channel/<int:pk>/resolve/", case.case_resolve, name="case-resolve"),
    path("green-channel/<int:pk>/close/", case.case_close, name="case-close"),
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
    path("assign/", assign.assign_index, name="assign-index"),
    path("assign/<int:pk>/", assign.assign_run, name="assign-run"),
    path(
        "dispatch/<int:pk>/projects/<int:project_pk>/",
        assign.assign_pair,
        name="assign-pair",
    ),
    path("assign/<int:pk>/confirm/", assign.assign_confirm, name="assign-confirm"),
    path("assign/units/", assign.assign_units, name="assign-units"),
    path("assign/units/<int:pk>/", assign.assign_unit_edit, name="assign-unit-edit"),
    path("mine/", project.my_projects, name="my-projects"),
    path("dimensions/", project.dimension_list, name="dimension-list"),
    path("dimensions/<int:pk>/", project.dimension_edit, name="dimension-edit"),
    path("lists/", lists.list_index, name="list-index"),
    path("lists/<int:pk>/", lists.list_detail, name="list-detail"),
    path("lists/<int:pk>/publish/", lists.list_publish, name="list-publish"),
    path("lists/<int:pk>/guide/", lists.list_guide, name="list-guide"),
]
