"""A pytest plugin: CPU seconds per test and per test file, beside pytest's wall-clock ``--durations``.

On a shared machine wall time measures the neighbours as much as the suite; CPU time (this process and
the children it waited for: subprocesses, kernels) measures what the suite itself costs. Use:

    PYTHONPATH=benchmarks .venv/bin/python -m pytest -p pytest_cpu_times --cpu-times=30

It prints the slowest tests by CPU and every test file's CPU and wall totals, and writes them as JSON to
``--cpu-times-json`` if given.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict

import pytest

_records: list[tuple[str, str, float, float]] = []  # nodeid, phase, cpu seconds, wall seconds


def pytest_addoption(parser):
    group = parser.getgroup("cpu-times")
    group.addoption("--cpu-times", type=int, default=30, help="list the N tests using the most CPU")
    group.addoption("--cpu-times-json", default=None, help="also write every test's CPU and wall seconds here")


def _cpu() -> float:
    own, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.user + own.system + children.ru_utime + children.ru_stime


def _measured(item, phase):
    cpu, wall = _cpu(), time.perf_counter()
    yield
    _records.append((item.nodeid, phase, _cpu() - cpu, time.perf_counter() - wall))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield from _measured(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _measured(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    yield from _measured(item, "teardown")


def pytest_terminal_summary(terminalreporter, config):
    if not _records:
        return
    per_test: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    per_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for nodeid, _phase, cpu, wall in _records:
        per_test[nodeid][0] += cpu
        per_test[nodeid][1] += wall
    for nodeid, (cpu, wall) in per_test.items():
        totals = per_file[nodeid.split("::", 1)[0]]
        totals[0] += cpu
        totals[1] += wall
        totals[2] += 1
    write = terminalreporter.write_line
    terminalreporter.section("CPU seconds per test (this process and the children it waited for)")
    for nodeid, (cpu, wall) in sorted(per_test.items(), key=lambda kv: -kv[1][0])[: config.getoption("cpu_times")]:
        write(f"{cpu:8.2f} cpu {wall:8.2f} wall  {nodeid}")
    terminalreporter.section("per test file")
    for path, (cpu, wall, count) in sorted(per_file.items(), key=lambda kv: -kv[1][0]):
        write(f"{cpu:8.2f} cpu {wall:8.2f} wall {count:5d} tests  {path}")
    total_cpu = sum(v[0] for v in per_file.values())
    total_wall = sum(v[1] for v in per_file.values())
    write(f"{total_cpu:8.2f} cpu {total_wall:8.2f} wall {len(per_test):5d} tests  (all)")
    target = config.getoption("cpu_times_json")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump({k: {"cpu": v[0], "wall": v[1]} for k, v in per_test.items()}, fh, indent=1)
