"""Production serving: `gunicorn -c gunicorn.conf.py` (see README, "Production").

Threaded workers keep connections alive and let one worker overlap database waits; each worker holds its
own copy of the published snapshots (vaalikone/wsgi.py). Settings come from the environment.
"""

import multiprocessing
import os

wsgi_app = "vaalikone.wsgi:app"
bind = os.environ.get("VAALIKONE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("VAALIKONE_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("VAALIKONE_THREADS", 4))
keepalive = 5
timeout = 30
graceful_timeout = 10
# Requests are logged by path only: no query string, and never a body, where voters' answers travel.
accesslog = os.environ.get("VAALIKONE_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
