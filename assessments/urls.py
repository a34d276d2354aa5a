from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
    path("jabatan/<slug:slug>/", views.role_preview, name="role"),
    path("jabatan/<slug:slug>/mulai/", views.consent, name="consent"),
    path("jabatan/<slug:slug>/profesi-serupa/", views.similar_role, name="similar_role"),
    path("a/<slug:token>/", views.resume, name="resume"),
    path("a/<slug:token>/bagian/<int:number>/", views.section, name="section"),
    path("a/<slug:token>/bagian/<int:number>/simpan/", views.autosave, name="autosave"),
    path("a/<slug:token>/tambahan/<int:page>/", views.extra, name="extra"),
    path("a/<slug:token>/tambahan/<int:page>/simpan/", views.extra_autosave, name="extra_autosave"),
    path("a/<slug:token>/hasil/", views.result, name="result"),
    path("a/<slug:token>/hapus/", views.delete, name="delete"),
    path("a/<slug:token>/hasil/pdf/", views.result_pdf, name="result_pdf"),
    path("a/<slug:token>/hasil/jabatan/<slug:slug>/", views.role_result, name="role_result"),
    path("a/<slug:token>/hasil/bagikan/", views.share_result, name="share_result"),
    path("lihat/<slug:token>/", views.shared_result, name="shared_result"),
    path("lihat/<slug:token>/pdf/", views.shared_result_pdf, name="shared_result_pdf"),
]
