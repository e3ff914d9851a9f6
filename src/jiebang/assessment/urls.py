from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export/", views.ranking_export, name="ranking-export"),
    path("units/<int:pk>/", views.unit_breakdown, name="unit-breakdown"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_create, name="rule-create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("recognitions/", views.recognition_list, name="recognition-list"),
    path("recognitions/<int:pk>/remove/", views.recognition_remove, name="recognition-remove"),
]
