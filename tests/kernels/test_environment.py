"""What a forked kernel takes from the environment asked for, and when it is not forked.

A fork cannot renew what the interpreter or a library read when the zygote started (its
``PYTHON*`` variables, the locale, matplotlib's backend, thread pools' sizes): a kernel asking
for other values starts the ordinary way, and the warning names the variable, not its value.
The time zone is renewed in the child.
"""

from __future__ import annotations

import json
import logging
import os

import pytest

from tests.kernels.forked import kernel, run
from workbook.kernels import provisioner
from workbook.kernels.zygote import INLINE, fixed

# A time zone no machine runs in, given as a POSIX rule (needs no time zone database).
ELSEWHERE = "WBK-5:30"


def test_a_kernel_asked_for_another_time_zone_keeps_that_zones_time(zygote):
    assert os.environ.get("TZ") != ELSEWHERE

    async def scenario():
        async with kernel(env=dict(os.environ, TZ=ELSEWHERE)) as k:
            return k.forked, await k.value(
                "[__import__('time').strftime('%Z'), __import__('time').localtime().tm_gmtoff]"
            )

    assert run(scenario()) == (True, ["WBK", 5 * 3600 + 30 * 60])


def other(name: str) -> str:
    """A value of ``name`` that is not this process's (the zygote's)."""
    return "en_GB.UTF-8" if os.environ.get(name) == "C.UTF-8" else "C.UTF-8"


@pytest.mark.parametrize(
    "name, value",
    [("PYTHONHASHSEED", "4242"), ("PYTHONPATH", "/nonexistent/folder"), ("LANG", None)],
)
def test_a_kernel_asking_for_what_a_fork_cannot_renew_starts_the_ordinary_way(
    zygote, caplog, name, value
):
    value = value or other(name)
    assert os.environ.get(name) != value

    async def scenario():
        async with kernel(env=dict(os.environ, **{name: value})) as k:
            return k.forked, await k.value(f"__import__('os').environ[{name!r}]")

    with caplog.at_level(logging.INFO):
        assert run(scenario()) == (False, value)
    warned = [r.getMessage() for r in caplog.records if "ordinary way" in r.getMessage()]
    assert warned and name in warned[0] and value not in caplog.text
    assert zygote.running


def test_a_kernel_asking_for_the_zygotes_own_environment_forks(zygote):
    async def scenario():
        async with kernel(env=dict(os.environ)) as k:
            return k.forked, await k.value("__import__('os').getpid()")

    forked, pid = run(scenario())
    assert forked and pid


def hello(env: dict[str, str]) -> str:
    return "hello " + json.dumps(fixed(env))


def test_what_the_zygote_sets_for_itself_need_not_be_asked_for():
    theirs = hello({"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": INLINE, "LANG": "C.UTF-8"})
    assert provisioner.renewed({"LANG": "C.UTF-8", "HOME": "/root"}, theirs) == []
    assert provisioner.renewed({"LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1"}, theirs) == []
    asked = {"LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "4", "MPLBACKEND": "agg"}
    assert provisioner.renewed(asked, theirs) == ["MPLBACKEND", "OPENBLAS_NUM_THREADS"]
    assert provisioner.renewed({}, theirs) == ["LANG"]  # the zygote's locale, not the default
    assert provisioner.renewed({"LANG": "C.UTF-8", "LC_ALL": "C"}, theirs) == ["LC_ALL"]
    agg = hello({"MPLBACKEND": "agg"})  # a zygote started with another backend than inline
    assert provisioner.renewed({}, agg) == ["MPLBACKEND"]


def test_a_garbled_hello_is_a_failed_zygote_and_says_no_value():
    with pytest.raises(provisioner.ZygoteFailed, match="garbled") as failed:
        provisioner.renewed({}, 'hello {"PYTHONPATH": "secret')
    assert "secret" not in str(failed.value)
    with pytest.raises(provisioner.ZygoteFailed, match="refused"):
        provisioner.renewed({}, "refused another user's request")
