from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/letter/", views.letter_generate, name="letter-generate"),
    path("projects/<int:pk>/interview/", views.interview_create, name="interview-create"),
    path("projects/<int:pk>/case/", views.case_raise, name="case-raise"),
    path("letters/", views.letter_list, name="letter-list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter-pdf"),
    path("letters/<int:pk>/confirm/", views.letter_confirm, name="letter-confirm"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter-scan"),
    path("letters/<int:pk>/scan/attach/", views.letter_attach_scan, name="letter-attach-scan"),
    path("letters/<int:pk>/on-site/", views.letter_on_site, name="letter-on-site"),
    path("task-forces/<int:pk>/members/", views.member_add, name="member-add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("task-forces/<int:pk>/minutes/", views.meeting_create, name="meeting-create"),
    path("showing/", views.showing, name="showing"),
    path("showing/take/", views.showing_take, name="showing-take"),
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview-detail"),
    path("interviews/<int:pk>/submit/", views.rectification_submit, name="rectification-submit"),
    path("interviews/<int:pk>/return/", views.rectification_return, name="rectification-return"),
    path("interviews/<int:pk>/accept/", views.rectification_accept, name="rectification-accept"),
    path(
        "interviews/<int:pk>/files/<str:kind>/", views.rectification_file, name="rectification-file"
    ),
    path("escalation/", views.escalation, name="escalation"),
]
