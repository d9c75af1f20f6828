from django.utils.functional import SimpleLazyObject

from tracker.models import Patient


def my_patients(request):
    """The signed-in user's patients for the navigation's switcher (one query, only when a
    page's navigation asks)."""
    user = getattr(request, "user", None)

    def patients():
        if user is None or not user.is_authenticated:
            return []
        return list(Patient.objects.for_user(user).with_role(user))

    return {"my_patients": SimpleLazyObject(patients)}
