"""Progress and summaries for long commands, on stderr so stdout stays clean for pipes."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from .stopping import counting
from .summary import clean


class Progress:
    """A progress bar with each item's status as it finishes, and a summary table at the end."""

    def __init__(self, total: int, what: str = "workbooks"):
        self.bar = tqdm(
            total=total, desc=what, unit="client", file=sys.stderr, disable=None, dynamic_ncols=True
        )
        self._counting = counting(total, f"{what} done")  # for the line printed if stopped

    def __enter__(self) -> Progress:
        self.count = self._counting.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._counting.__exit__(*exc)
        self.bar.close()

    def done(self, result) -> None:  # noqa: ANN001 - a generate.Result
        mark = "ok  " if result.ok else "FAIL"
        tail = f"{result.seconds:5.1f} s" if result.ok else clean(result.error or "")
        self.bar.write(f"{mark} {result.client}  {tail}", file=sys.stderr)
        for message in getattr(result, "messages", []):  # kept out of the client's files
            self.bar.write(f"     {result.client} printed: {clean(message)}", file=sys.stderr)
        self.bar.update(1)
        self.count.done += 1

    @staticmethod
    def summary(results) -> None:  # noqa: ANN001 - a list of generate.Result
        failed = [r for r in results if not r.ok]
        width = max(len(r.client) for r in results)
        click.echo(f"\n{'client':<{width}}  status  seconds  files")
        for r in results:
            files = ", ".join(str(p) for p in r.files) or "-"
            click.echo(
                f"{r.client:<{width}}  {'ok' if r.ok else 'FAILED':<6}  {r.seconds:7.1f}  {files}"
            )
        click.echo(f"\n{len(results) - len(failed)} generated, {len(failed)} failed")
