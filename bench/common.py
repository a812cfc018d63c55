"""What the benchmark and the reliability harness share: paths, nodes, the API process, monitors.

Everything here targets 127.0.0.1 only. Nodes are the harnesses' own (``bench``, ``outage``,
``cluster-0..2`` in :mod:`devtools.localnode`), never ``run`` (9200) or ``test`` (9250).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools import localnode

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results"
VAR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
ECLAIRE = str(Path(PYTHON).parent / "eclaire")
ALIAS = "eclaire-studies"  # the alias every bench load swaps and every bench query reads
FORBIDDEN_PORTS = {9200, 9250}  # make run's node and the tests' node: never touched here


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- OpenSearch over plain HTTP (stdlib: the harness must not depend on the API's client) --------


def os_call(url: str, body: Any = None, method: str | None = None, timeout: float = 60.0) -> Any:
    port = int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    if port in FORBIDDEN_PORTS:
        raise RuntimeError(f"refusing to touch {url}: that node belongs to make run / the tests")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def clear_pits(url: str) -> None:
    """Close every point in time on the node (none is open unless a run left one)."""
    with contextlib.suppress(OSError):  # 404 when none is open; a node already gone
        os_call(f"{url}/_search/point_in_time/_all", method="DELETE")


def newest_run(data_dir: Path = VAR / "data") -> dict[str, Any]:
    """The summary the last ``eclaire ingest`` run wrote under ``data_dir`` ({} if none)."""
    runs = sorted((data_dir / "runs").glob("*/summary.json"))
    return json.loads(runs[-1].read_text()) if runs else {}


def delete_versioned_indices(url: str, alias: str) -> None:
    """Start a measured load from an empty node (no previous state to read)."""
    with contextlib.suppress(urllib.error.HTTPError):
        names = os_call(f"{url}/_cat/indices/{alias}-*?format=json&h=index")
        for row in names or []:
            os_call(f"{url}/{row['index']}", method="DELETE")


def node(name: str) -> localnode.Node:
    found = localnode.NODES[name]
    if found.http_port in FORBIDDEN_PORTS:
        raise RuntimeError(f"node {name!r} is not the harness's to use")
    return found


def node_pid(n: localnode.Node) -> int | None:
    try:
        return int((n.home / "opensearch.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def pin(pid: int, cpus: str) -> bool:
    """taskset every thread of ``pid`` onto ``cpus``; False when taskset is missing."""
    if not shutil.which("taskset"):
        return False
    result = subprocess.run(
        ["taskset", "-a", "-p", "-c", cpus, str(pid)], capture_output=True, text=True
    )
    return result.returncode == 0


# --- memory and CPU ------------------------------------------------------------------------------


def _proc_mb(pid: int, name: str, key: str) -> float | None:
    """A ``key: N kB`` line of /proc/PID/NAME, in MB (None once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb(pid: int) -> float | None:
    return _proc_mb(pid, "status", "VmRSS:")


def hwm_mb(pid: int) -> float | None:
    return _proc_mb(pid, "status", "VmHWM:")


def pss_mb(pid: int) -> float | None:
    """Proportional set size: a page shared with other processes counts its share only."""
    return _proc_mb(pid, "smaps_rollup", "Pss:")


@dataclass
class RssSampler:
    """Samples one process's RSS every ``interval`` seconds in a thread."""

    pid: int
    interval: float = 0.2
    samples: list[tuple[float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        started = time.monotonic()

        def run() -> None:
            while not self._stop.is_set():
                value = rss_mb(self.pid)
                if value is not None:
                    self.samples.append((time.monotonic() - started, value))
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @property
    def peak(self) -> float:
        return max((v for _, v in self.samples), default=0.0)

    @property
    def first(self) -> float:
        return self.samples[0][1] if self.samples else 0.0

    @property
    def last(self) -> float:
        return self.samples[-1][1] if self.samples else 0.0


def proc_cpu_ticks(pid: int) -> tuple[int, int]:
    """(user, system) clock ticks a live process has used; (0, 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]), int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0, 0


def _proc_cpu_ticks(pid: int) -> int:
    return sum(proc_cpu_ticks(pid))


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0.0 once it is gone)."""
    return _proc_cpu_ticks(pid) / os.sysconf("SC_CLK_TCK")


def _total_busy_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuShare:
    """Busy CPU over a phase, split into ours (``pids``) and everybody else's.

    The machine is shared with other engineers' test runs; this says how much of the two cores
    they took while we measured, so a noisy figure can be recognised as such."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self.start_ours = sum(_proc_cpu_ticks(p) for p in self.pids)
        self.start_busy, self.start_total = _total_busy_ticks()

    def result(self, extra_cpu_seconds: float = 0.0) -> dict[str, float]:
        """``extra_cpu_seconds``: CPU of our children that ended meanwhile (from rusage)."""
        ours = sum(_proc_cpu_ticks(p) for p in self.pids) - self.start_ours
        ours += int(extra_cpu_seconds * os.sysconf("SC_CLK_TCK"))
        busy, total = _total_busy_ticks()
        busy -= self.start_busy
        total -= self.start_total
        cores = os.cpu_count() or 1
        elapsed_core_ticks = max(total, 1)
        others = max(busy - ours, 0)
        return {
            "busy_share": round(busy / elapsed_core_ticks, 3),
            "ours_share": round(min(ours, busy) / elapsed_core_ticks, 3),
            "others_share": round(others / elapsed_core_ticks, 3),
            "cores": cores,
        }


def machine_facts() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "java": java.splitlines()[0] if java else "",
        "opensearch": localnode.OPENSEARCH_VERSION,
        "opensearch_heap": localnode.NODES["bench"].heap,
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "docker": False,
        "network": "loopback only",
    }


def package_versions(names: Sequence[str]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


# --- the API under test --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, ok: Sequence[int] = (200,)) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in ok:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def api_env(opensearch_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ECLAIRE_OPENSEARCH_URL": opensearch_url,
        "ECLAIRE_DATA_DIR": str(VAR / "data"),
        "ECLAIRE_CURSOR_SECRET": "bench-cursor-secret",
        "PYTHONUNBUFFERED": "1",
        # free ports, one load address: served defaults would refuse the Host or throttle
        # (pass other values in ``extra`` to measure the limiter itself)
        "ECLAIRE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ECLAIRE_RATE_LIMIT": "0",
        "ECLAIRE_RATE_LIMIT_EXPORTS": "0",
        "ECLAIRE_CLIENT_CONCURRENCY": "0",
    }
    env.update(extra)
    return env


@dataclass
class ApiProcess:
    """The API served by ``eclaire serve``, as deployed, on a port of its own: uvicorn with
    uvloop and the guarded httptools protocol, one JSON log line per request (to ``log_path``).
    Until 20:00 UTC on 2026-12-01 the bench ran plain uvicorn (no request log, no head limit)."""

    opensearch_url: str
    port: int = field(default_factory=free_port)
    workers: int = 1
    cpus: str | None = None
    env_extra: dict[str, str] = field(default_factory=dict)
    command: list[str] | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = VAR / "api.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ApiProcess:
        command = self.command or [
            ECLAIRE,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        if "{port}" in " ".join(command):
            command = [c.replace("{port}", str(self.port)) for c in command]
        if self.cpus:
            command = ["taskset", "-c", self.cpus, *command]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=api_env(self.opensearch_url, **self.env_extra),
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        out.close()
        wait_http(f"{self.url}/health", timeout=60)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """The processes that serve requests (the workers when there are several)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        kids: list[int] = []
        with contextlib.suppress(OSError):
            kids = [int(p) for p in children.read_text().split()]
        if self.workers > 1:
            # uvicorn's supervisor forks workers through multiprocessing (a resource tracker too)
            return [k for k in kids if "uvicorn" in _cmdline(k) or "spawn" in _cmdline(k)]
        return [self.pid]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> ApiProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@contextlib.contextmanager
def phase(name: str, into: dict[str, Any]) -> Iterator[None]:
    log(f"{name}…")
    started = time.monotonic()
    try:
        yield
    finally:
        into.setdefault("phase_seconds", {})[name] = round(time.monotonic() - started, 1)
        log(f"{name} done in {time.monotonic() - started:.1f}s")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _tree_sum(pid: int, measure: Callable[[int], float | None]) -> float:
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        total += measure(current) or 0.0
        stack.extend(_children(current))
    return total


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its descendants (an ingest's worker processes count in full)."""
    return _tree_sum(pid, rss_mb)


def tree_pss_mb(pid: int) -> float:
    """PSS of ``pid`` and all its descendants: what the tree holds, each page once (forked
    workers share their parent's tables, which a sum of RSS counts once per process)."""
    return _tree_sum(pid, pss_mb)


def run_measured(
    command: list[str],
    env: dict[str, str],
    log_path: Path,
    on_sample: Callable[[int], None] | None = None,
) -> tuple[int, float, float, float]:
    """Run a command to its end: (exit status, wall s, peak RSS MB, CPU s), from wait4.

    The peak RSS is that of the process tree, sampled every 0.1 s (wait4 gives the largest
    single process only), or wait4's when larger. ``on_sample(pid)`` is called at each sample,
    for what else a caller reads while the process lives."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = 0.0
    stop = threading.Event()
    with open(log_path, "wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, tree_rss_mb(process.pid))
                if on_sample is not None:
                    on_sample(process.pid)
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        stop.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return process.returncode, seconds, max(peak, usage.ru_maxrss / 1024), cpu


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
