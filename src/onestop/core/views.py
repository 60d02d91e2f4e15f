"""The home page, which sends each user to the surfaces of their roles, and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from onestop.catalog.queries import list_centres


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"centres": list_centres()})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
