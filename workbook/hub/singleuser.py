"""A person's server, started by the hub as their own account: it makes ``~/practice`` (a
practice with its start-here) if it is missing, then becomes ``jupyterhub-singleuser`` serving
the practice folder and opening its start-here, whose links reach the guided notebooks, the
caseload and each client's notebooks (Voilà's apps too, under ``/voila/render/``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def prepare() -> Path:
    from ..notebooks import write_start
    from ..practice import Practice

    practice = Practice.locate(os.environ.get("WORKBOOK_PRACTICE") or Path.home() / "practice")
    with practice.open():  # made on first start, upgraded afterwards
        pass
    write_start(practice)
    return practice.path


def main(argv: list[str]) -> None:
    os.umask(0o077)  # everything the server writes stays the person's own
    folder = prepare()
    command = str(Path(sys.executable).with_name("jupyterhub-singleuser"))
    args = [command, f"--ServerApp.root_dir={folder.resolve()}", *argv]
    sys.stdout.flush()
    os.execv(command, args)


if __name__ == "__main__":
    main(sys.argv[1:])
