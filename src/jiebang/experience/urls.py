from django.urls import path

from . import views

app_name = "experience"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("new/", views.event_create, name="event-create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("<int:pk>/invitees/", views.invitee_add, name="invitee-add"),
    path("<int:pk>/visit/", views.event_visit, name="event-visit"),
    path("<int:pk>/suggestions/", views.suggestion_add, name="suggestion-add"),
    path("invitees/<int:pk>/remove/", views.invitee_remove, name="invitee-remove"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion-decide"),
    path("suggestions/<int:pk>/study/", views.suggestion_study, name="suggestion-study"),
    # No account: the public list and page of held events.
    path("public/", views.public_list, name="public-list"),
    path("public/<int:pk>/", views.public_detail, name="public-detail"),
]
