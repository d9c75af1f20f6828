from datetime import date

from django.urls import path, register_converter

from tracker.views import (
    alerts,
    diary,
    events,
    exports,
    labs,
    medicines,
    patients,
    push,
    questions,
    reminders,
    sharing,
    summary,
    trends,
)


class PublicIdConverter:
    regex = r"[A-Za-z0-9_-]{12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class IsoDateConverter:
    """yyyy-mm-dd in the URL, a date in the view; an impossible date (2025-02-30) is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, date) else value


register_converter(PublicIdConverter, "pid")
register_converter(IsoDateConverter, "isodate")

patient = "patients/<pid:pid>/"

urlpatterns = [
    path("diary/", patients.diary_home, name="diary"),
    # Notifications on this device (Web Push): the user's own, not a diary's.
    path("accounts/notifications/", push.notifications, name="notifications"),
    path("accounts/notifications/subscribe/", push.push_subscribe, name="push_subscribe"),
    path("accounts/notifications/unsubscribe/", push.push_unsubscribe, name="push_unsubscribe"),
    path("accounts/notifications/test/", push.push_test, name="push_test"),
    path("patients/new/", patients.patient_create, name="patient_create"),
    path(f"{patient}profile/", patients.patient_edit, name="patient_edit"),
    # Diary
    path(f"{patient}diary/", diary.patient_diary, name="patient_diary"),
    path(f"{patient}diary/go/", diary.diary_day_go, name="diary_day_go"),
    path(f"{patient}diary/undo/", diary.diary_day_undo, name="diary_day_undo"),
    path(f"{patient}diary/<isodate:day>/", diary.diary_day, name="diary_day"),
    path(f"{patient}diary/<isodate:day>/delete/", diary.diary_day_delete, name="diary_day_delete"),
    path(
        f"{patient}diary/<isodate:day>/blood-pressure/",
        diary.blood_pressure_add,
        name="blood_pressure_add",
    ),
    path(
        f"{patient}blood-pressure/<int:pk>/delete/",
        diary.blood_pressure_delete,
        name="blood_pressure_delete",
    ),
    # Labs
    path(f"{patient}labs/", labs.lab_list, name="lab_list"),
    path(f"{patient}labs/baseline/", labs.lab_baseline, name="lab_baseline"),
    path(f"{patient}labs/<int:pk>/delete/", labs.lab_delete, name="lab_delete"),
    # Medicines
    path(f"{patient}medications/", medicines.medication_list, name="medication_list"),
    path(f"{patient}medications/<int:pk>/", medicines.medication_detail, name="medication_detail"),
    path(f"{patient}medications/<int:pk>/stop/", medicines.medication_stop, name="medication_stop"),
    path(
        f"{patient}medications/<int:pk>/delete/",
        medicines.medication_delete,
        name="medication_delete",
    ),
    path(
        f"{patient}medications/<int:pk>/doses/<int:step>/delete/",
        medicines.dose_step_delete,
        name="dose_step_delete",
    ),
    # Events and questions
    path(f"{patient}events/", events.event_list, name="event_list"),
    path(f"{patient}events/<int:pk>/delete/", events.event_delete, name="event_delete"),
    path(f"{patient}questions/", questions.question_list, name="question_list"),
    path(
        f"{patient}questions/<int:pk>/answer/",
        questions.question_answer,
        name="question_answer",
    ),
    path(f"{patient}questions/<int:pk>/delete/", questions.question_delete, name="question_delete"),
    # Trends, export and import
    path(f"{patient}trends/", trends.patient_trends, name="patient_trends"),
    path(f"{patient}export.csv", exports.export_csv, name="export_csv"),
    path(f"{patient}export.json", exports.export_json, name="export_json"),
    path(f"{patient}import/", exports.diary_import, name="diary_import"),
]

# Alerts: "I contacted the care team" on the alert a rule raised on a day (issue #11)
urlpatterns += [
    path(
        f"{patient}alerts/<slug:rule>/<isodate:day>/contacted/",
        alerts.alert_contact,
        name="alert_contact",
    ),
    path(
        f"{patient}alerts/<slug:rule>/<isodate:day>/contacted/delete/",
        alerts.alert_contact_delete,
        name="alert_contact_delete",
    ),
]

# Sharing: caregivers, invitations, the access log; deleting a patient
urlpatterns += [
    path(f"{patient}sharing/", sharing.sharing_page, name="sharing_page"),
    path(f"{patient}sharing/invite/", sharing.sharing_invite, name="sharing_invite"),
    path(
        f"{patient}sharing/invitations/<int:pk>/cancel/",
        sharing.invitation_cancel,
        name="invitation_cancel",
    ),
    path(f"{patient}sharing/people/<int:pk>/", sharing.caregiver_access, name="caregiver_access"),
    path(
        f"{patient}sharing/people/<int:pk>/revoke/",
        sharing.caregiver_revoke,
        name="caregiver_revoke",
    ),
    path(f"{patient}delete/", sharing.patient_delete, name="patient_delete"),
    path("invitations/<str:token>/", sharing.invitation_accept, name="invitation_accept"),
]

# Visit summary
urlpatterns += [
    path(f"{patient}summary/", summary.patient_summary, name="patient_summary"),
    path("patients/<pid:pid>/summary.pdf", summary.patient_summary_pdf, name="patient_summary_pdf"),
]

# Clinician link: made and revoked on the sharing page; the token in the path opens the summary
urlpatterns += [
    path(
        f"{patient}sharing/clinician-links/",
        sharing.clinician_link_create,
        name="clinician_link_create",
    ),
    path(
        f"{patient}sharing/clinician-links/<int:pk>/revoke/",
        sharing.clinician_link_revoke,
        name="clinician_link_revoke",
    ),
    path("c/<str:token>/", summary.clinician_summary, name="clinician_summary"),
    path("c/<str:token>/summary.pdf", summary.clinician_summary_pdf, name="clinician_summary_pdf"),
]

# Everything, for the owner (the account page's "Your data")
urlpatterns += [
    path(f"{patient}export-all.json", exports.export_everything, name="export_everything"),
]

# Reminders (issue #14): each person's own, a calendar address, the emails' unsubscribe link
urlpatterns += [
    path(f"{patient}reminders/", reminders.reminders_page, name="reminders_page"),
    path(
        f"{patient}reminders/calendar/",
        reminders.calendar_feed_create,
        name="calendar_feed_create",
    ),
    path(
        f"{patient}reminders/calendar/revoke/",
        reminders.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    # The kwarg is the whole "<token>.ics", so the log redaction blanks all of it.
    path("calendar/<str:token>", reminders.calendar_feed, name="calendar_feed"),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminders.reminder_unsubscribe,
        name="reminder_unsubscribe",
    ),
]
