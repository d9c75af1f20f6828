from django.urls import path, register_converter

from tracker import views


class PublicIdConverter:
    regex = r"[A-Za-z0-9_-]{12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PublicIdConverter, "pid")

urlpatterns = [
    path("diary/", views.diary_home, name="diary"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<pid:pid>/diary/", views.patient_diary, name="patient_diary"),
    path("patients/<pid:pid>/profile/", views.patient_edit, name="patient_edit"),
]
