"""The public's addresses of stage 5 (no account): short, since they are printed as QR codes."""

from django.urls import path

from . import public_views

app_name = "feedback"
urlpatterns = [
    path("p/<int:pk>/", public_views.rate_project, name="rate-project"),
    path("w/<int:pk>/", public_views.rate_window, name="rate-window"),
    path("p/<int:pk>/qr.png", public_views.project_qr, name="project-qr"),
    path("track/", public_views.track, name="track"),
    path("track/<str:number>/", public_views.track_detail, name="track-detail"),
]
