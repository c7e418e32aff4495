"""The Voilà launcher behind `workbook app`: Voilà itself, with the browser opened on one page."""

from __future__ import annotations

import os

import workbook.voila_app as voila_app
from workbook import forked
from workbook.kernels import VARIABLE
from workbook.voila_app import PageVoila, main


def test_the_page_option_is_taken_out_of_voilas_arguments(monkeypatch):
    """...and Voilà runs with a zygote of its own, serving ``python3`` with forked kernels."""
    seen, zygotes = [], []
    monkeypatch.setattr(PageVoila, "page", "")  # restored afterwards: main sets it
    monkeypatch.delenv(forked.PLAIN, raising=False)

    def launch(_, argv: list[str]) -> None:
        seen.append(argv)
        zygotes.append(os.environ.get(VARIABLE))

    monkeypatch.setattr(PageVoila, "launch_instance", classmethod(launch))
    main(["--page=voila/render/00_start_here.ipynb", "/p/notebooks", "--port=8866"])
    specs = "--VoilaConfiguration.kernel_spec_manager_class=workbook.kernels.KernelSpecs"
    assert seen == [[specs, "--KernelSpecs.python3=True", "/p/notebooks", "--port=8866"]]
    assert PageVoila.page == "voila/render/00_start_here.ipynb"
    assert zygotes[0] and zygotes[0].endswith(".sock") and VARIABLE not in os.environ


def test_the_browser_opens_on_the_page(monkeypatch):
    opened = []

    class Browser:
        def open(self, url, new=0):  # noqa: ANN001, ANN201
            opened.append(url)

    monkeypatch.setattr(voila_app.webbrowser, "get", lambda name=None: Browser())
    monkeypatch.setattr(PageVoila, "page", "voila/render/lana/01_intake.ipynb")
    app = PageVoila(port=8871, ip="127.0.0.1")
    app.launch_browser()
    assert opened == ["http://127.0.0.1:8871/voila/render/lana/01_intake.ipynb"]
