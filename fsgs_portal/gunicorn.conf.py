"""gunicorn settings for production: `gunicorn -c fsgs_portal/gunicorn.conf.py fsgs_portal.wsgi`.

App servers keep no local state (sessions and data live in PostgreSQL), so several can run behind
a load balancer. The TLS proxy in front sets X-Forwarded-Proto and caps request bodies too
(nginx `client_max_body_size 3m`); the app refuses bodies over REQUEST_MAX_BYTES before reading
them (fsgs_portal/limits.py). Every value can be set from the environment (README.md).
"""

import multiprocessing
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.getenv("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.getenv("GUNICORN_THREADS", "2"))
# No request may take long (SECURITY.md): a worker stuck this many seconds is restarted.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = int(os.getenv("GUNICORN_KEEPALIVE", "5"))
max_requests = 2000
max_requests_jitter = 200

# Request size: the request line (a path and its query), header count and header size. Bodies
# are capped by the app (REQUEST_MAX_BYTES) and by the proxy.
limit_request_line = int(os.getenv("GUNICORN_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = int(os.getenv("GUNICORN_LIMIT_REQUEST_FIELDS", "50"))
limit_request_field_size = int(os.getenv("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))

# Behind a TLS proxy: trust X-Forwarded-Proto (and friends) only from the proxy's address.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs: stdout/stderr by default, or files. Paths are written with tokens blanked
# (fsgs_portal/gunicorn_logger.py, the same rule as the portal's access log).
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
errorlog = os.getenv("GUNICORN_ERROR_LOG", "-")
logger_class = "fsgs_portal.gunicorn_logger.RedactingLogger"
# Query strings stay out of the access log: they can carry dates of a patient's summary.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
