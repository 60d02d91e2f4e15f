"""URLs of the admin tests, so they run without the project's URL configuration."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
