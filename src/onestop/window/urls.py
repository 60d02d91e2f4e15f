from django.urls import path

from onestop.window import views, views_agency, views_password

app_name = "window"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/<str:matter_id>/", views.new_case, name="new-case"),
    path("register/", views.register_applicant, name="register-applicant"),
    path("password-reset/", views_password.password_reset, name="password-reset"),
    path("agencies/", views_agency.agencies, name="agencies"),
    path("cases/<str:number>/", views.case, name="case"),
]
