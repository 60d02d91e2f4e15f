from django.urls import path

from onestop.cases import views as case_views
from onestop.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.centres, name="centres"),
    path("cases/", views.my_cases, name="my-cases"),
    path("cases/<str:number>/", views.case, name="case"),
    path(
        "cases/<str:number>/documents/",
        case_views.document_list,
        name="case-documents",
    ),
    path(
        "cases/<str:number>/documents/<int:document_id>/",
        case_views.document,
        name="document",
    ),
    path(
        "cases/<str:number>/materials/<int:submission_id>/",
        case_views.material,
        name="material",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("certificates/", views.my_certificates, name="certificates"),
    path(
        "certificates/<str:identifier>/pdf",
        views.certificate_pdf,
        name="certificate-pdf",
    ),
    path("<slug:slug>/matters/", views.matters, name="matters"),
    path("<slug:slug>/matters/<str:matter_id>/", views.guide, name="guide"),
    path("<slug:slug>/matters/<str:matter_id>/apply/", views.apply, name="apply"),
]
