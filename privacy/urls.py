from django.urls import path

from privacy import views

app_name = "privacy"

# Mounted at /customer/ next to the other portal pages.
urlpatterns = [
    path("privacy/export", views.export, name="export"),
    path("privacy/delete", views.delete, name="delete"),
    path("privacy/deleted", views.deleted, name="deleted"),
]
