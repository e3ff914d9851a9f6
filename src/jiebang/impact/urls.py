from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.promotion_list, name="promotion-list"),
    path("promotions/new/", views.promotion_create, name="promotion-create"),
    path("promotions/<int:pk>/", views.promotion_detail, name="promotion-detail"),
    path("promotions/<int:pk>/edit/", views.promotion_edit, name="promotion-edit"),
    path("promotions/<int:pk>/stop/", views.promotion_close, name="promotion-close"),
    path("promotions/<int:pk>/adoptions/new/", views.adoption_create, name="adoption-create"),
    path("steps/<int:pk>/plan/", views.step_edit, name="step-edit"),
    path("steps/<int:pk>/start/", views.step_start, name="step-start"),
    path("steps/<int:pk>/finish/", views.step_finish, name="step-finish"),
    path("step-files/<int:pk>/", views.step_file, name="step-file"),
    path("adoptions/<int:pk>/", views.adoption_detail, name="adoption-detail"),
    path("adoptions/<int:pk>/edit/", views.adoption_edit, name="adoption-edit"),
    path("adoptions/<int:pk>/values/", views.adoption_value, name="adoption-value"),
    path("effects/", views.effect_list, name="effect-list"),
    path("effects/<int:pk>/", views.project_effect, name="project-effect"),
    path("effects/<int:pk>/intervention/", views.intervention_edit, name="intervention-edit"),
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/new/", views.policy_create, name="policy-create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy-detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/file/", views.policy_file, name="policy-file"),
    path("policies/<int:pk>/articles/new/", views.article_create, name="article-create"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("articles/<int:pk>/remove/", views.article_remove, name="article-remove"),
    path("reach/", views.reach_list, name="reach-list"),
    path("reach/new/", views.reach_create, name="reach-create"),
    path("reach/<int:pk>/edit/", views.reach_edit, name="reach-edit"),
]
