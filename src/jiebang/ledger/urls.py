from django.urls import path

from . import job_views, views

app_name = "ledger"
urlpatterns = [
    path("", views.task_list, name="task-list"),
    path("queue/", views.queue, name="queue"),
    path("chart/", views.programme_chart, name="programme-chart"),
    path("export/", views.export, name="export"),
    path("import/", views.import_tasks, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/rejects.csv", views.import_rejects, name="import-rejects"),
    path("imports/<int:pk>/retry/", job_views.import_retry, name="import-retry"),
    path("exports/<int:pk>/", job_views.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", job_views.export_download, name="export-download"),
    path("projects/<int:pk>/", views.project_ledger, name="project-ledger"),
    path("projects/<int:pk>/chart/", views.project_chart, name="project-chart"),
    path("projects/<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("projects/<int:pk>/measurements/", views.measurement_create, name="measurement-create"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project-complete"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/report/", views.task_report, name="task-report"),
    path("tasks/<int:pk>/accept/", views.task_accept, name="task-accept"),
    path(
        "tasks/<int:pk>/deadline-request/",
        views.task_deadline_request,
        name="task-deadline-request",
    ),
    path(
        "deadline-requests/<int:pk>/approve/",
        views.deadline_request_approve,
        name="deadline-request-approve",
    ),
    path(
        "deadline-requests/<int:pk>/refuse/",
        views.deadline_request_refuse,
        name="deadline-request-refuse",
    ),
    path("updates/confirm/", views.updates_confirm, name="updates-confirm"),
    path("updates/<int:pk>/confirm/", views.update_confirm, name="update-confirm"),
    path("updates/<int:pk>/return/", views.update_return, name="update-return"),
    path("updates/<int:pk>/publicise/", views.update_publicise, name="update-publicise"),
    path("measurements/<int:pk>/confirm/", views.measurement_confirm, name="measurement-confirm"),
    path("measurements/<int:pk>/return/", views.measurement_return, name="measurement-return"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
