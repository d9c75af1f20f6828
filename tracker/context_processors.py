from django.utils.functional import SimpleLazyObject

from tracker.access import reached
from tracker.models import Patient


def my_patients(request):
    """The signed-in user's patients for the navigation's switcher: no query on a patient's page
    when that patient is the user's only one, else one query, and only when a page asks."""
    user = getattr(request, "user", None)

    def patients():
        if user is None or not user.is_authenticated:
            return []
        patient = reached.get()
        if patient is not None and getattr(patient, "user_patient_count", None) == 1:
            return [patient]
        return list(Patient.objects.for_user(user).with_role(user))

    return {"my_patients": SimpleLazyObject(patients)}
