"""gunicorn settings for production: `gunicorn -c fsgs_portal/gunicorn.conf.py fsgs_portal.wsgi`.

App servers keep no local state (sessions and data live in PostgreSQL), so several can run behind
a load balancer. The TLS proxy in front sets X-Forwarded-Proto.
"""

import multiprocessing
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.getenv("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.getenv("GUNICORN_THREADS", "2"))
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Leave query strings out of the access log: they can carry dates of a patient's summary.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
