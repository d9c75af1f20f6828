"""The CSV import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

# CSV import ---------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class DiaryImportForm(forms.Form):
    """A diary CSV to import, and what to do with dates that already have entries."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("The same columns as the CSV export; at most 2 MB."),
        error_messages={"required": _("Choose a CSV file to import.")},
    )
    existing = forms.ChoiceField(
        label=_("Days that already have entries"),
        choices=[
            ("skip", _("Keep what is saved and skip those rows")),
            ("replace", _("Replace what is saved with the file’s values")),
        ],
        initial="skip",
        widget=forms.RadioSelect,
    )
    confirm_replace = forms.BooleanField(
        label=_("Yes, replace the saved entries (and blood pressure readings) for those dates"),
        required=False,
    )
    import_valid = forms.BooleanField(
        label=_("Import the valid rows, and leave out any row with a problem"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the most is 2 MB. Split it into smaller files.")
                % {"size": f"{upload.size / 1024 / 1024:.1f} MB"}
            )
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing") == "replace" and not cleaned.get("confirm_replace"):
            self.add_error(
                "confirm_replace",
                _("Tick this box to confirm that the file’s days replace what is saved."),
            )
        return cleaned
