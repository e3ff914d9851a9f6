from django.urls import path

from .views import feedback, heatmap, imports, proposals

app_name = "needs"
urlpatterns = [
    path("feedback/", feedback.feedback_list, name="feedback-list"),
    path("feedback/export/", feedback.feedback_export, name="feedback-export"),
    path("feedback/<int:pk>/", feedback.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/category/", feedback.feedback_correct, name="feedback-correct"),
    path("review/", feedback.review_queue, name="review-queue"),
    path("survey/new/", feedback.survey_create, name="survey-create"),
    path("online/", feedback.online_form, name="online-form"),
    path("clusters/", feedback.cluster_list, name="cluster-list"),
    path("imports/", imports.import_list, name="import-list"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/map/", imports.import_map, name="import-map"),
    path("imports/<int:pk>/rejects.csv", imports.import_rejects, name="import-rejects"),
    path("imports/<int:pk>/retry/", imports.import_retry, name="import-retry"),
    path("heatmap/", heatmap.heatmap, name="heatmap"),
    path("heatmap/data/", heatmap.heatmap_data, name="heatmap-data"),
    path("proposals/", proposals.proposal_list, name="proposal-list"),
    path("proposals/new/", proposals.proposal_create, name="proposal-create"),
    path("proposals/ranking/", proposals.proposal_ranking, name="proposal-ranking"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/screening/", proposals.proposal_screening, name="proposal-screening"),
    path("proposals/<int:pk>/score/", proposals.proposal_score, name="proposal-score"),
    path("proposals/<int:pk>/verdict/", proposals.proposal_verdict, name="proposal-verdict"),
    path("proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal-decide"),
    path("proposals/<int:pk>/review/", proposals.proposal_review, name="proposal-review"),
    path("reserve/", proposals.reserve_pool, name="reserve-pool"),
    path("settings/categories/", proposals.category_list, name="category-list"),
    path("settings/weights/", proposals.weights_edit, name="weights-edit"),
]
