from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("stages/<slug:slug>/", views.stage, name="stage"),
    path("audit/", views.audit, name="audit"),
    path("ping/", views.ping, name="ping"),
]
