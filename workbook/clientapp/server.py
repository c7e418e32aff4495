"""Voilà for the client app: the landing page at the root, and nothing but its folder.

Voilà serving a folder shows a file listing at ``/``; here ``/`` leads to the landing page
instead, which links to every other page. Run as ``python -m workbook.clientapp.server FOLDER``
with Voilà's own options (``serve.app_command`` builds the command). Its kernels are forked
from a zygote it starts and stops (:mod:`workbook.forked`).
"""

from __future__ import annotations

import sys

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

from .. import forked
from .serve import HOME


class ClientVoila(Voila):
    def init_handlers(self) -> list:
        home = url_path_join(self.server_url, "voila/render", HOME)
        return [
            (self.server_url, RedirectHandler, {"url": home, "permanent": False}),
            *super().init_handlers(),
        ]


def main() -> None:
    with forked.zygote():  # the pages' kernels are forked from it; it ends with the server
        ClientVoila.launch_instance(argv=[*forked.voila_flags(), *sys.argv[1:]])


if __name__ == "__main__":
    main()
