from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("institutions/new/", views.institution_new, name="institution_new"),
    path("institutions/restore/", views.institution_restore, name="institution_restore"),
    path("institutions/<str:code>/", views.institution_detail, name="institution"),
    path("institutions/<str:code>/suspend/", views.institution_suspend, name="institution_suspend"),
    path("institutions/<str:code>/resume/", views.institution_resume, name="institution_resume"),
    path("institutions/<str:code>/archive/", views.institution_archive, name="institution_archive"),
    path("institutions/<str:code>/delete/", views.institution_delete, name="institution_delete"),
    path("tasks/dead-letters/", views.dead_letters, name="dead_letters"),
    path("tasks/dead-letters/<int:pk>/retry/", views.dead_letter_retry, name="dead_letter_retry"),
]
