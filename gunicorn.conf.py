"""Gunicorn settings for running CareerFit in production.

    gunicorn careerfit.wsgi        # gunicorn reads ./gunicorn.conf.py by itself

Production is the default here: DJANGO_DEBUG is 0 unless the environment says otherwise,
so the settings refuse to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import multiprocessing
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

# BIND (one address or several, comma-separated) wins; otherwise PORT on the loopback
# interface. Gunicorn on its own would listen on 0.0.0.0:$PORT, but the app belongs behind
# a TLS-terminating proxy on the same machine; set BIND=0.0.0.0:8000 to listen further.
_addresses = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
bind = [address.strip() for address in _addresses.split(",") if address.strip()]

# The usual rule of thumb for synchronous workers; WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = 1000
max_requests_jitter = 100

# No access log by default: every assessment URL holds its private token (/a/<token>/...),
# and the Referer of requests made from those pages holds it too. GUNICORN_ACCESS_LOG=-
# (or a file) turns one on, in a format that leaves out the path, query string and Referer.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
# Every line with the time in UTC, the level and the logger's name, as Django's lines are.
logger_class = "careerfit.log_format.GunicornLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
