"""Generating workbooks: every format, both audiences, batches, failures and hostile text."""

from __future__ import annotations

import json
import re
import shutil
import stat
from datetime import date, timedelta
from html.parser import HTMLParser

import nbformat
import pytest
from click.testing import CliRunner
from icalendar import Calendar
from pypdf import PdfReader

from workbook.cli import cli
from workbook.generate import execute as execute_module
from workbook.generate import generate_many, generate_one

AS_OF = date(2026, 11, 20)


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script" and any(k == "src" for k, _ in attrs)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


@pytest.fixture(scope="module")
def lana_generated(tmp_path_factory):
    """Lana's workbook in every format, generated once for the module (SQLite practice)."""
    from workbook.practice import Practice
    from workbook.sample import sample_case

    practice = Practice(tmp_path_factory.mktemp("gen") / "practice")
    with practice.open() as store:
        store.save(sample_case())
    result = generate_one(practice, "lana", as_of=AS_OF)
    assert result.ok, result.error
    return practice, {p.suffix: p for p in result.files}


@pytest.fixture
def lana_generated_copy(lana_generated, tmp_path):
    """A copy of the module's practice and Lana's files, for a test that generates again or
    writes beside them: the module's own copy stays as generated, whatever the order of tests."""
    from workbook.practice import Practice

    practice, files = lana_generated
    before = _listing(practice.path)
    copy = Practice(shutil.copytree(practice.path, tmp_path / "practice"))
    folder = copy.workbooks("lana")
    yield copy, {suffix: folder / path.name for suffix, path in files.items()}
    assert _listing(practice.path) == before, "the test changed the module's practice"


def _listing(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_every_format_is_written_privately(lana_generated):
    practice, files = lana_generated
    assert set(files) == {".ipynb", ".html", ".pdf", ".ics"}
    for path in files.values():
        assert path.parent == practice.workbooks("lana")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(practice.workbooks("lana").stat().st_mode) == 0o700


def test_notebook_executed_with_ids_paths_and_dates_only(lana_generated):
    _, files = lana_generated
    nb = nbformat.read(files[".ipynb"], as_version=4)
    assert not [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    source = injected[0].source
    assert 'client = "lana"' in source and 'as_of = "2026-11-20"' in source
    assert 'audience = "client"' in source
    params = json.dumps(nb.metadata.papermill.parameters)
    for text in ("Lana Kowalczyk", "Northfield", "résumé"):
        assert text not in source and text not in params


def test_html_is_offline_and_hides_code(lana_generated):
    _, files = lana_generated
    page = files[".html"].read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(page)
    outside = [r for r in parser.refs if not r.startswith(("data:", "#"))]
    assert outside == [] and parser.scripts == 0
    assert "@import" not in page
    assert re.findall(r"url\(\s*['\"]?(?!data:)", page) == []  # CSS fetches nothing either
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "report.cover()" not in page and "from workbook" not in page
    assert page.count("data:image/png;base64,") >= 5  # the five figures, inline
    assert "Lana Kowalczyk" in page and "Reflections" not in page


def test_pdf_holds_the_goal_and_actions(lana_generated):
    _, files = lana_generated
    assert files[".pdf"].read_bytes().startswith(b"%PDF-")
    text = _pdf_text(files[".pdf"])
    assert "accept a learning and development coordinator role" in text
    for phrase in (
        "Rewrite the résumé around training",
        "Networking campaign",
        "Apply to at least two posted coordinator openings",
    ):
        assert phrase in text, phrase
    assert "overdue" in text
    assert "Gibbs" not in text and "Kolb" not in text  # no reflections in the client's copy


def test_calendar_has_actions_and_weekly_checkins(lana_generated):
    _, files = lana_generated
    cal = Calendar.from_ical(files[".ics"].read_bytes())
    events = list(cal.walk("VEVENT"))
    actions = {
        str(e["summary"]).split(":")[0]: e["dtstart"].dt
        for e in events
        if str(e["summary"]).startswith("a")
    }
    assert actions["a4"] == date(2026, 11, 13) and actions["a8"] == date(2026, 12, 18)
    assert len(actions) == 8
    checkins = sorted(e["dtstart"].dt for e in events if str(e["summary"]) == "Weekly check-in")
    assert checkins[0] == date(2026, 12, 1)  # a week after the last check-in, 24 November
    assert checkins[-1] <= date(2027, 1, 31) < checkins[-1] + timedelta(days=7)
    assert all(b - a == timedelta(days=7) for a, b in zip(checkins, checkins[1:], strict=False))
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_practitioner_copy_adds_reflections_and_notes(lana_generated_copy):
    practice, client_files = lana_generated_copy
    result = generate_one(practice, "lana", audience="practitioner", formats=["html"], as_of=AS_OF)
    assert result.ok, result.error
    page = result.files[0].read_text(encoding="utf-8")
    assert result.files[0].name == "lana-workbook-practitioner.html"
    assert "Reflections" in page and "Holding back was uncomfortable" in page
    assert "Notes (private)" in page
    assert "Method fidelity" in page and "Permission is asked before your ideas" in page
    client_page = client_files[".html"].read_text(encoding="utf-8")
    assert "Holding back was uncomfortable" not in client_page
    assert "Walked through the plan stage by stage" not in client_page  # check-in notes
    assert "Method fidelity" not in client_page and "Permission is asked before" not in client_page
    client_nb = client_files[".ipynb"].read_text(encoding="utf-8")
    assert "reflections" not in client_nb.lower() and "fidelity" not in client_nb.lower()


def test_one_html_exporter_serves_a_batch_and_carries_nothing_between_clients(
    lana_generated_copy, hostile_case, monkeypatch
):
    """A batch makes one exporter (its templates compiled once) in the thread that makes its
    HTML; one client's page holds nothing of another's, and the exporter keeps no notebook."""
    import nbconvert

    from workbook.sample import sample_case

    made = []

    class Counted(nbconvert.HTMLExporter):
        def __init__(self, **kw):  # noqa: ANN003
            super().__init__(**kw)
            made.append(self)

    monkeypatch.setattr(nbconvert, "HTMLExporter", Counted)
    practice, _ = lana_generated_copy
    with practice.open() as store:
        store.save(hostile_case)
    results = generate_many(
        practice, ["lana", hostile_case.client.id], formats=["html"], as_of=AS_OF, jobs=1
    )
    assert [r.error for r in results] == [None, None]
    (exporter,) = made
    assert not exporter._nb_metadata  # nbconvert's copy of the last notebook's metadata
    lana_page, other_page = (r.files[0].read_text(encoding="utf-8") for r in results)
    goal = sample_case().plan.goal
    assert goal in lana_page and goal not in other_page


def test_hostile_text_is_shown_literally(store, practice, hostile_case):
    store.save(hostile_case)
    result = generate_one(practice, "hostile", formats=["ipynb", "html", "pdf"], as_of=AS_OF)
    assert result.ok, result.error
    files = {p.suffix: p for p in result.files}
    page = files[".html"].read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(page)
    assert parser.scripts == 0
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert "**bold** _em_ [link](http://example.com)" in page  # Markdown left as typed
    assert "$x^2$ and $$\\int f$$" in page and "{{ client.name }} {% raw %}" in page
    assert "tex2jax_ignore" in page
    assert "مرحبا بالعالم" in page and "🎯🚀" in page
    assert [r for r in parser.refs if not r.startswith(("data:", "#"))] == []
    nb_text = files[".ipynb"].read_text(encoding="utf-8")
    assert "<script>alert" not in nb_text.replace("\\u003c", "<").split('"source"')[0]
    text = _pdf_text(files[".pdf"])
    for literal in (
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "**bold** _em_",
        "$x^2$",
        "{{ client.name }}",
    ):
        assert literal in text, literal
    assert "Supercalifragilistic" in text
    assert "to do" in text and "18 December 2026" in text  # columns beside the long words fit


def test_failing_section_is_named_and_keeps_the_previous_good_files(
    lana_generated_copy, tmp_path, monkeypatch
):
    practice, _ = lana_generated_copy
    folder = practice.workbooks("lana")
    good = {
        name: (folder / name).read_bytes()
        for name in ("lana-workbook.ipynb", "lana-workbook.html", "lana-workbook.pdf")
    }
    broken = nbformat.read(execute_module.TEMPLATE, as_version=4)
    for cell in broken.cells:
        if cell.source == "report.ideas()":
            cell.source = "raise RuntimeError('the idea map broke')"
    path = tmp_path / "broken.ipynb"
    nbformat.write(broken, path)
    monkeypatch.setattr(execute_module, "TEMPLATE", path)
    result = generate_one(practice, "lana", formats=["ipynb", "html", "pdf"], as_of=AS_OF)
    assert not result.ok
    assert "Step 2: a combined list of ideas" in result.error
    assert "the idea map broke" in result.error
    for name, data in good.items():  # the last good copies stay, whole; the traceback is not
        assert (folder / name).read_bytes() == data, name  # written over the client's workbook
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no scratch left
    assert result.files == [folder / "lana-workbook-failed.ipynb"]
    nb = nbformat.read(folder / "lana-workbook-failed.ipynb", as_version=4)
    assert any(
        "papermill-error-cell" in json.dumps(c.metadata)
        or "An Exception was encountered" in c.source
        for c in nb.cells
    )


def test_batch_goes_on_past_a_failing_client(practice, store, lana, monkeypatch):
    for n in range(3):
        case = lana.model_copy(deep=True)
        case.client.id = f"c{n}"
        store.save(case)
    from workbook.generate import batch

    real = batch.run

    async def flaky(practice_, client, *args):
        if client == "c1":
            raise execute_module.TemplateFailed(client, "Step 3", "boom", None)
        return await real(practice_, client, *args)

    monkeypatch.setattr(batch, "run", flaky)
    seen = []
    results = generate_many(
        practice,
        ["c0", "c1", "c2"],
        formats=["html", "ics"],
        jobs=1,
        as_of=AS_OF,
        done=lambda r: seen.append(r.client),
    )
    assert [r.ok for r in results] == [True, False, True]
    assert "Step 3" in results[1].error
    assert sorted(seen) == ["c0", "c1", "c2"]
    assert (practice.workbooks("c2") / "c2-workbook.html").exists()


def test_the_next_kernel_runs_while_a_finished_notebook_becomes_html(
    practice, store, lana, monkeypatch
):
    """One kernel at a time (--jobs 1): the second client's template runs while the first
    client's notebook is still being made into HTML, and the HTML is made off the loop."""
    import threading

    from workbook.generate import batch, export

    for n in range(2):
        case = lana.model_copy(deep=True)
        case.client.id = f"c{n}"
        store.save(case)
    second_runs, overlapped, threads = threading.Event(), [], set()
    real_run, real_html = batch.run, export.html

    async def run(practice_, client, *args):
        if client == "c1":
            second_runs.set()
        return await real_run(practice_, client, *args)

    def html(nb, title):
        threads.add(threading.current_thread().name)
        if "c0" in str(nb.metadata.papermill.parameters.client):
            overlapped.append(second_runs.wait(timeout=120))
        return real_html(nb, title)

    monkeypatch.setattr(batch, "run", run)
    monkeypatch.setattr(export, "html", html)
    results = generate_many(practice, ["c0", "c1"], formats=["html"], jobs=1, as_of=AS_OF)
    assert [r.error for r in results] == [None, None]
    assert overlapped == [True]
    assert threads and threading.current_thread().name not in threads


def test_a_client_erased_while_their_workbook_is_made_keeps_no_file(
    practice, store, lana, monkeypatch
):
    store.save(lana)
    from workbook.generate import batch

    real = batch.run

    async def erased_meanwhile(practice_, client, *args):
        done = await real(practice_, client, *args)
        with practice_.open(create=False) as other:  # `delete` from another terminal
            other.delete(client)
        practice_.remove_client_files(client)
        return done

    monkeypatch.setattr(batch, "run", erased_meanwhile)
    [result] = generate_many(practice, ["lana"], formats=["ipynb", "html", "ics"], as_of=AS_OF)
    assert not result.ok and "erased" in result.error
    assert not practice.workbooks("lana").exists()  # nothing written after the erasure stays


def test_cli_batch_in_parallel_processes(practice, store, lana):
    for n in range(3):
        case = lana.model_copy(deep=True)
        case.client.id = f"p{n}"
        store.save(case)
    result = CliRunner().invoke(
        cli,
        [
            *_args(practice),
            "generate",
            "--all",
            "--jobs",
            "2",
            "--format",
            "html,ics",
            "--as-of",
            "2026-11-20",
        ],
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    assert "3 generated, 0 failed" in result.stdout
    assert re.search(r"^p1\s+ok\s", result.stdout, re.M)
    for n in range(3):
        assert (practice.workbooks(f"p{n}") / f"p{n}-workbook.html").exists()
        assert not (practice.workbooks(f"p{n}") / f"p{n}-workbook.pdf").exists()


def test_cli_errors(lana_store, practice):
    run = CliRunner().invoke
    unknown = run(cli, [*_args(practice), "generate", "lana", "nobody"])
    assert unknown.exit_code == 1
    assert unknown.stderr == (
        "workbook: error: no client 'nobody' in this practice; "
        "`workbook clients` lists the ones there are\n"
    )
    assert not practice.workbooks("lana").exists()  # nothing started
    assert run(cli, [*_args(practice), "generate", "lana", "--format", "docx"]).exit_code == 2
    assert run(cli, [*_args(practice), "generate"]).exit_code == 2
    assert run(cli, [*_args(practice), "generate", "lana", "--all"]).exit_code == 2


def test_generating_from_code_that_runs_an_event_loop(lana_generated_copy):
    """A notebook (or Playwright's sync API) already runs an event loop in the thread."""
    import asyncio

    practice, _ = lana_generated_copy

    async def inside_a_loop():
        return generate_one(practice, "lana", formats=["ics"], as_of=AS_OF)

    from concurrent.futures import ThreadPoolExecutor

    # in a thread of its own: this test's thread may already run Playwright's loop
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, inside_a_loop()).result().ok


# What must never reach a client document: warnings, tracebacks, server paths and code.
LEAKS = re.compile(
    r"Warning\b|warnings\.warn|Traceback|Error:|Exception|/tmp/|/home/|/root/|/work/|/usr/"
    r"|site-packages|\.py\b|File \"|<ipython|import |from workbook|report\.\w+\(|Report\(",
)


class _Visible(HTMLParser):
    """The text a reader sees: no style or script, no tag, no attribute."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _notebook_outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") + out.get("ename", "") + out.get("evalue", ""))
            texts += ["".join(out.get("traceback", []))]
            html = out.get("data", {}).get("text/html")
            if html:
                parser = _Visible()
                parser.feed(html)
                texts.append(" ".join(parser.parts))
            texts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def _documents(files) -> dict[str, str]:
    texts = {}
    for path in files:
        if path.suffix == ".ipynb":
            texts[path.name] = _notebook_outputs(path)
        elif path.suffix == ".html":
            parser = _Visible()
            parser.feed(path.read_text(encoding="utf-8"))
            texts[path.name] = " ".join(parser.parts)
        elif path.suffix == ".pdf":
            texts[path.name] = _pdf_text(path)
    return texts


@pytest.fixture(scope="module")
def clients_generated(tmp_path_factory):
    """Lana, a client with only an intake, one with one check-in and one with hostile text,
    each generated as notebook, HTML and PDF for both audiences."""
    from tests.generate.conftest import hostile
    from tests.generate.test_report import early_case, sample_with
    from workbook.practice import Practice
    from workbook.sample import sample_case

    practice = Practice(tmp_path_factory.mktemp("scan") / "practice")
    cases = [sample_case(), early_case(), sample_with("one", 1), hostile()]
    with practice.open() as store:
        for case in cases:
            store.save(case)
    ids = [c.client.id for c in cases]
    files = {}
    for audience in ("client", "practitioner"):
        formats = ["ipynb", "html", "pdf"] if audience == "client" else ["ipynb", "html"]
        for r in generate_many(
            practice, ids, audience=audience, formats=formats, as_of=AS_OF, jobs=2
        ):
            assert r.ok, r.error
            assert r.messages == []  # nothing printed in the kernel either
            files[(r.client, audience)] = r.files
    return files


def test_no_warning_traceback_path_or_code_in_any_document(clients_generated):
    scanned = 0
    for (_client, audience), files in clients_generated.items():
        for name, text in _documents(files).items():
            scanned += 1
            assert text.strip(), name
            leak = LEAKS.search(text)
            assert leak is None, f"{name} ({audience}): {text[max(0, leak.start() - 80) :][:200]}"
    assert scanned == 4 * 3 + 4 * 2


def test_early_client_gets_a_short_workbook(clients_generated):
    files = {p.suffix: p for p in clients_generated[("early", "client")]}
    assert len(PdfReader(files[".pdf"]).pages) == 1
    page = files[".html"].read_text(encoding="utf-8")
    assert not re.search(r"<img[^>]*data:image/png", page)  # no empty figure
    text = _pdf_text(files[".pdf"])
    assert "Day work where I help people learn" in text  # the client's own words, on the cover
    assert "No plan yet. Next:" in text and "At the next session: step 1" in text
    one = _pdf_text({p.suffix: p for p in clients_generated[("one", "client")]}[".pdf"])
    assert "6 October 2026" in one and "to do" in one


def test_kernel_output_goes_to_the_practitioner_not_the_documents(
    lana_generated_copy, tmp_path, monkeypatch
):
    practice, _ = lana_generated_copy
    noisy = nbformat.read(execute_module.TEMPLATE, as_version=4)
    noisy.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import warnings\nwarnings.warn('a test warning from /srv/lib/thing.py')"
        ),
    )
    path = tmp_path / "noisy.ipynb"
    nbformat.write(noisy, path)
    monkeypatch.setattr(execute_module, "TEMPLATE", path)
    result = generate_one(practice, "lana", formats=["ipynb", "html"], as_of=AS_OF)
    assert result.ok, result.error
    assert any("a test warning from /srv/lib/thing.py" in m for m in result.messages)
    for name, text in _documents(result.files).items():
        assert "a test warning" not in text and "UserWarning" not in text, name


def test_one_format_leaves_the_others_alone(lana_generated_copy):
    practice, client_files = lana_generated_copy
    before = {path.name: path.read_bytes() for path in client_files.values()}
    assert {".ipynb", ".html", ".pdf", ".ics"} <= set(client_files)
    result = generate_one(practice, "lana", formats=["ics"], as_of=AS_OF)
    assert result.ok, result.error
    result = generate_one(practice, "lana", formats=["html"], as_of=AS_OF)
    assert result.ok, result.error
    folder = practice.workbooks("lana")
    for name, data in before.items():
        assert (folder / name).exists(), f"generating one format removed {name}"
        if name.endswith((".ipynb", ".pdf")):  # not asked for: untouched
            assert (folder / name).read_bytes() == data, name
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("only", ["ipynb", "pdf"])
def test_the_notebook_or_the_pdf_alone_leaves_the_others_alone(lana_generated, only):
    """ics and html alone are above; each of the other two formats, asked for alone, rewrites
    its own file only."""
    practice, _ = lana_generated
    folder = practice.workbooks("lana")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    assert {"lana-workbook.ipynb", "lana-workbook.html", "lana-calendar.ics"} <= set(before)
    result = generate_one(practice, "lana", formats=[only], as_of=AS_OF)
    assert result.ok, result.error
    assert [p.name for p in result.files] == [f"lana-workbook.{only}"]
    for name, data in before.items():
        assert (folder / name).exists(), f"generating {only} removed {name}"
        if not name.endswith(f".{only}"):
            assert (folder / name).read_bytes() == data, name
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_batch_loads_its_libraries_while_its_zygote_starts(lana_generated_copy, monkeypatch):
    """What the batch process needs is loaded while its zygote imports (two cores at work),
    the exporter only when a format needs it."""
    import os

    import psutil

    from workbook.generate import export
    from workbook.kernels import VARIABLE

    def starting() -> bool:  # a zygote of ours is running, not yet named to the kernels
        zygotes = [
            p
            for p in psutil.Process().children()
            if "workbook.kernels.zygote" in " ".join(p.cmdline())
        ]
        return len(zygotes) == 1 and VARIABLE not in os.environ

    practice, _ = lana_generated_copy
    loaded = []
    monkeypatch.setattr(execute_module, "load", lambda: loaded.append(("run", starting())))
    monkeypatch.setattr(export, "load", lambda: loaded.append(("html", starting())))
    monkeypatch.delenv("WORKBOOK_PLAIN_KERNELS", raising=False)
    assert generate_one(practice, "lana", formats=["html"], as_of=AS_OF).ok
    assert loaded == [("run", True), ("html", True)]
    loaded.clear()
    assert generate_one(practice, "lana", formats=["ipynb"], as_of=AS_OF).ok
    assert loaded == [("run", True)]
