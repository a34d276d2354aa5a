from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("jabatan/<slug:slug>/", views.role_preview, name="role"),
    path("jabatan/<slug:slug>/mulai/", views.consent, name="consent"),
    path("a/<str:token>/", views.resume, name="resume"),
    path("a/<str:token>/bagian/<int:number>/", views.section, name="section"),
    path("a/<str:token>/hasil/", views.result, name="result"),
    path("a/<str:token>/hapus/", views.delete, name="delete"),
]
