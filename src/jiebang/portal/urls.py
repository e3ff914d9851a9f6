from django.urls import path

from . import staff_views, views

app_name = "portal"
urlpatterns = [
    # Public, no account (login_not_required).
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("news/", views.news_list, name="news-list"),
    path("news/<int:pk>/", views.news_detail, name="news-detail"),
    path("briefings/", views.briefing_list, name="briefing-list"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing-detail"),
    path("briefings/<int:pk>/pdf/", views.briefing_pdf, name="briefing-pdf"),
    # City staff.
    path("manage/news/", staff_views.news_manage, name="news-manage"),
    path("manage/news/new/", staff_views.news_create, name="news-create"),
    path("manage/news/<int:pk>/", staff_views.news_edit, name="news-edit"),
    path("manage/news/<int:pk>/publish/", staff_views.news_publish, name="news-publish"),
    path("manage/news/<int:pk>/unpublish/", staff_views.news_unpublish, name="news-unpublish"),
    path("manage/briefings/", staff_views.briefing_manage, name="briefing-manage"),
    path("manage/briefings/new/", staff_views.briefing_generate, name="briefing-generate"),
    path("manage/briefings/<int:pk>/", staff_views.briefing_edit, name="briefing-edit"),
    path(
        "manage/briefings/<int:pk>/refresh/",
        staff_views.briefing_refresh,
        name="briefing-refresh",
    ),
    path(
        "manage/briefings/<int:pk>/publish/",
        staff_views.briefing_publish,
        name="briefing-publish",
    ),
]
