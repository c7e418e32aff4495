"""Voilà serving a folder of notebooks, with the browser opened on one page of it.

``workbook app`` serves the practice's whole ``notebooks/`` folder, so that links from start-here
reach every client's notebooks (``voila/render/<client>/...``). Voilà itself opens a served folder
on its file listing, and has no setting for another first page; this subclass adds one
(``--page=voila/render/00_start_here.ipynb``) and is otherwise Voilà. It runs in the process
``workbook app`` replaced itself with, so the server's PID is still the command's. Its
kernels are forked from a zygote it starts and stops (:mod:`workbook.forked`).

    python -m workbook.voila_app --page=PATH FOLDER [VOILA OPTIONS]
"""

from __future__ import annotations

import sys
import webbrowser

from jupyter_server.utils import url_path_join
from voila.app import Voila

from . import forked

PAGE = "--page="


class PageVoila(Voila):
    """Voilà, opening the browser on ``page`` (a path below the server's base URL)."""

    page = ""

    def launch_browser(self) -> None:
        try:
            browser = webbrowser.get(self.browser or None)
        except webbrowser.Error as exc:
            self.log.warning("No web browser found: %s.", exc)
            return
        url = url_path_join(self.connection_url, self.page)
        browser.open(url, new=self.webbrowser_open_new)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    pages = [a for a in args if a.startswith(PAGE)]
    PageVoila.page = pages[-1][len(PAGE) :] if pages else ""
    with forked.zygote():  # the pages' kernels are forked from it; it ends with the server
        rest = [a for a in args if not a.startswith(PAGE)]
        PageVoila.launch_instance(argv=[*forked.voila_flags(), *rest])


if __name__ == "__main__":
    main()
