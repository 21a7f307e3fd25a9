"""Production serving: `gunicorn -c gunicorn.conf.py` (see README, "Production").

One synchronous worker process per CPU: rendering is CPU-bound Python, so more processes than cores only
add switching, and threads inside a worker contend for its interpreter lock. Measured with scripts/loadtest
(30 s runs alternated in the same minutes, 200 voters + 50 candidates): 2 sync workers served 267.5, 264.6,
279.7 results pages/s at 2.68, 2.74, 2.53 ms of server CPU per request where 2 workers x 2 threads served
260.3, 242.1, 269.5 at 2.82, 3.07, 2.68 ms, and 2 x 1 thread 217.5, 275.1, 235.9; 3 sync workers did no
better than 2. Sync workers answer one request at a time and close the connection: in production they sit
behind nginx (or another buffering proxy), which holds slow clients and keep-alive connections for them.
The app and the published snapshots are loaded once in the master and forked (preload_app): a worker that
dies is replaced at once, without rebuilding anything. Settings come from the environment.
"""

import multiprocessing
import os

wsgi_app = "vaalikone.wsgi:app"
bind = os.environ.get("VAALIKONE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("VAALIKONE_WORKERS", multiprocessing.cpu_count()))
worker_class = os.environ.get("VAALIKONE_WORKER_CLASS", "sync")
threads = int(os.environ.get("VAALIKONE_THREADS", 1))  # above 1, gunicorn uses gthread workers
preload_app = True
keepalive = 5
timeout = 30
graceful_timeout = 10
# Requests are logged by path only: no query string, and never a body, where voters' answers travel.
accesslog = os.environ.get("VAALIKONE_ACCESS_LOG", "-")
logger_class = "vaalikone.web.accesslog.PathOnlyLogger"
errorlog = "-"


def pre_fork(server, worker):
    """The master must not run threads: a thread does not survive fork, and a snapshot rebuild started in
    the master would leave every worker waiting for one that never finishes."""
    import threading

    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    assert not others, f"threads running in gunicorn's master before fork: {others}"


def post_fork(server, worker):
    """Nothing in the inherited matching store may be waiting for a thread that stayed in the master."""
    from vaalikone.extensions import matching_store
    from vaalikone.wsgi import app

    assert not matching_store(app).rebuilding, "a snapshot rebuild was started in gunicorn's master"
