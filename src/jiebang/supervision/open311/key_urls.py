"""The key pages, included into the supervision URL conf (namespace "supervision")."""

from django.urls import path

from . import key_views

urlpatterns = [
    path("keys/", key_views.apikey_list, name="apikey-list"),
    path("keys/new/", key_views.apikey_create, name="apikey-create"),
    path("keys/<int:pk>/revoke/", key_views.apikey_revoke, name="apikey-revoke"),
]
