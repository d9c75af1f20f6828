"""A real local HTTP server standing in for a browser's push service (FCM, Mozilla, Apple), and
a browser's side of a subscription: its keys, and decrypting what it receives (RFC 8291).

    with FakePushService() as service:
        device = FakeDevice()
        PushSubscription.objects.create(user=u, endpoint=service.url("/ok/1"), **device.keys())
        ...
        device.decrypt(service.received[0].body)  # -> {"title": …, "body": …, "url": …}

The path decides the answer: /gone/… 410, /missing/… 404, /broken/… 500, anything else 201.
"""

import base64
import json
import os
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fsgs_portal.management.commands.vapid_keys import new_vapid_keys

ANSWERS = {"gone": 410, "missing": 404, "broken": 500}
# Words and numbers that would tell a lock screen something about someone's health.
HEALTH_WORDS = re.compile(
    r"\d|kg|lb|mg|mmhg|weight|swell|foam|dipstick|protein|upcr|prednis|steroid|dose|blood|relapse|fever",
    re.IGNORECASE,
)


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def use_new_vapid_keys(settings) -> str:
    """Turn push on with a new key pair (pytest-django's `settings`); the public key."""
    public, private = new_vapid_keys()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = "mailto:push@example.org"
    return public


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class FakePushService:
    def __init__(self):
        self.received: list[Received] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                service.received.append(Received(self.path, dict(self.headers), body))
                status = ANSWERS.get(self.path.strip("/").split("/")[0], 201)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class FakeDevice:
    """A browser's subscription keys: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    def keys(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {"p256dh": base64url(public), "auth": base64url(self.auth_secret)}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)
