from django.urls import path

from onestop.window import (
    views,
    views_account,
    views_agency,
    views_cases,
    views_password,
)

app_name = "window"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/<str:matter_id>/", views.new_case, name="new-case"),
    path("register/", views.register_applicant, name="register-applicant"),
    path("password-reset/", views_password.password_reset, name="password-reset"),
    path("applicant-account/", views_account.account_status, name="applicant-account"),
    path("cases/", views_cases.cases, name="cases"),
    path("agencies/", views_agency.agencies, name="agencies"),
    path("cases/<str:number>/", views.case, name="case"),
]
