from django.urls import path

from onestop.exchange import views

app_name = "exchange"
urlpatterns = [
    path("materials/<int:submission_id>/", views.material, name="material"),
    path("dead-letters/", views.dead_letters, name="dead-letters"),
    path("dead-letters/<uuid:message_id>/replay", views.replay, name="replay"),
]
