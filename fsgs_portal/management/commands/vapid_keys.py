"""Print a new VAPID key pair for Web Push as lines for an environment file.

    python manage.py vapid_keys >> .env

The public key is what browsers subscribe with (base64url, an uncompressed P-256 point); the private
key (base64url, 32 bytes) signs each push. Changing the pair ends every existing subscription:
people turn notifications on again.
"""

import base64

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management.base import BaseCommand


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_vapid_keys() -> tuple[str, str]:
    """(public, private), both base64url without padding."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return base64url(public), base64url(private)


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY lines)."

    def handle(self, *args, **options):
        public, private = new_vapid_keys()
        self.stdout.write(
            "# Web Push keys: keep the private key secret; a new pair ends old sign-ups."
        )
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write("VAPID_SUBJECT=mailto:you@example.org")
