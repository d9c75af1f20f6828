from django.core.management.base import BaseCommand, CommandError

from education.loader import ContentError, load_content


class Command(BaseCommand):
    help = "Load the guides and glossary from education/content/ (the files win over admin edits)."

    def handle(self, *args, **options):
        try:
            report = load_content()
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Guides: {report}."))
        for translation in report.translations:
            self.stdout.write(
                self.style.SUCCESS(f"Guides ({translation.language}): {translation}.")
            )
