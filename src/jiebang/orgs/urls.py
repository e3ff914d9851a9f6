from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/new/", views.institution_edit, name="institution-create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution-detail"),
    path("institutions/<int:pk>/edit/", views.institution_edit, name="institution-edit"),
    path("regions/", views.region_list, name="region-list"),
]
