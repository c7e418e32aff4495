"""``hub serve``: JupyterHub in the foreground, with its proxy, until Ctrl-C or SIGTERM.

JupyterHub runs as a child process (its working folder the hub folder), so this process
outlives it and can say how it ended: on Ctrl-C or SIGTERM it is asked to stop (it then stops
the proxy, the idle culler and the users' servers itself), given time to, and whatever of
its processes still runs after that is ended, so no proxy is left listening. It runs in a
session of its own: a terminal's Ctrl-C would otherwise reach its services too, half-started
ones printing tracebacks, instead of the orderly stop JupyterHub makes of them. While it runs,
``serving.json`` in the hub folder says where its API answers (``hub add-user`` uses it).

The hub's internal ports (its API, the proxy's API) are chosen free at each start, so several
hubs can run on one machine; only the public port is the administrator's choice.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

from ..files import write_private
from ..stopping import end_processes
from .api import Api, sync
from .config import write_config
from .layout import Hub, HubError, check_reachable, proxy_command, venv_bin

STOP_GRACE = 20.0  # seconds JupyterHub is given to stop its servers and proxy


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def _check_port(ip: str, port: int) -> None:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError as exc:
            raise HubError(f"port: {port} on {ip} cannot be used ({exc.strerror})") from None


def command(hub: Hub, ip: str, port: int, hub_port: int, proxy_api_port: int) -> list[str]:
    return [
        venv_bin("jupyterhub"),
        "-f",
        str(hub.config_path),
        f"--JupyterHub.bind_url=http://{ip}:{port}",
        f"--JupyterHub.hub_port={hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{proxy_api_port}",
    ]


def serve(hub: Hub, ip: str, port: int, say=print) -> None:  # noqa: ANN001
    """Run the hub until it ends or is stopped (``stopping.Stopped``, raised on through)."""
    hub.settings()  # a hub folder, or a one-line error
    running = hub.serving()
    if running:
        raise HubError(f"{hub.folder}: a hub runs from it already (process {running.pid})")
    check_reachable()
    proxy_command()  # the proxy is there, or a one-line error naming how to install it
    _check_port(ip, port)
    write_config(hub)  # an upgraded workbook brings its configuration along
    hub_port, proxy_api_port = free_port(), free_port()
    api = Api(f"http://127.0.0.1:{hub_port}/hub/api", hub.admin_token())
    url = f"http://{ip}:{port}"
    proc = subprocess.Popen(
        command(hub, ip, port, hub_port, proxy_api_port),
        cwd=hub.folder,
        start_new_session=True,  # a terminal's Ctrl-C reaches this process only: see _stop
    )
    try:
        info = {"pid": os.getpid(), "url": url, "api": api.url}
        write_private(hub.serving_path, json.dumps(info).encode("utf-8"))
        while proc.poll() is None and not api.ready(0.5):
            pass
        if proc.poll() is None:
            sync(hub, api)
            say(f"The hub answers at {url}/ (Ctrl-C stops it).")
        status = proc.wait()
        if status:
            raise HubError(f"JupyterHub ended with status {status}; its log is above")
    finally:
        _stop(proc)
        hub.serving_path.unlink(missing_ok=True)


def _stop(proc: subprocess.Popen) -> None:
    """Ask JupyterHub to stop, give it time, then end whatever of its processes is left."""
    import psutil

    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        family = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    end_processes(family, 3)  # the proxy, the culler, servers: ended by JupyterHub normally
    sys.stdout.flush()
