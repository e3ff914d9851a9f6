from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_create, name="round-create"),
    path("top-ten/", views.top_ten, name="top-ten"),
    path("<int:pk>/", views.round_detail, name="round-detail"),
    path("<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("<int:pk>/panel/", views.panel_add, name="panel-add"),
    path("<int:pk>/draw/", views.round_draw, name="round-draw"),
    path("<int:pk>/close/", views.round_close, name="round-close"),
    path("<int:pk>/ranking/", views.round_ranking, name="round-ranking"),
    path("<int:pk>/scores.csv", views.round_scores_csv, name="round-scores-csv"),
    path("<int:pk>/publish/", views.round_publish, name="round-publish"),
    path("<int:pk>/nominate/", views.nomination_create, name="nomination-create"),
    path("<int:pk>/score/", views.score_list, name="score-list"),
    path("panel/<int:pk>/remove/", views.panel_remove, name="panel-remove"),
    path("panel/<int:pk>/sheet.xlsx", views.member_sheet_export, name="member-sheet-export"),
    path("panel/<int:pk>/import/", views.member_sheet_import, name="member-sheet-import"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination-detail"),
    path("nominations/<int:pk>/screen/", views.nomination_screen, name="nomination-screen"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination-withdraw"),
    path("nominations/<int:pk>/evidence/", views.nomination_evidence, name="nomination-evidence"),
    path("nominations/<int:pk>/verify/", views.nomination_verify, name="nomination-verify"),
    path("nominations/<int:pk>/assign/", views.nomination_assign, name="nomination-assign"),
    path("sheets/<int:pk>/", views.score_sheet, name="score-sheet"),
]
