"""Production serving: `gunicorn -c gunicorn.conf.py` (see README, "Production").

One worker process per CPU, each with a few threads: rendering is CPU-bound Python, so more processes than
cores only add switching (measured with scripts/loadtest: 2 workers x 2 threads served 567 requests/s on
2 cores, 4 x 4 served 456), while a second thread lets a worker answer while another request waits on a
write lock. The app and the published snapshots are loaded once in the master and forked (preload_app):
a worker that dies is replaced at once, without rebuilding anything. Settings come from the environment.
"""

import multiprocessing
import os

wsgi_app = "vaalikone.wsgi:app"
bind = os.environ.get("VAALIKONE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("VAALIKONE_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("VAALIKONE_THREADS", 2))
preload_app = True
keepalive = 5
timeout = 30
graceful_timeout = 10
# Requests are logged by path only: no query string, and never a body, where voters' answers travel.
accesslog = os.environ.get("VAALIKONE_ACCESS_LOG", "-")
logger_class = "vaalikone.accesslog.PathOnlyLogger"
errorlog = "-"
