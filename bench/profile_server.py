"""The API under pyinstrument: ``python -m bench.profile_server PORT OUT_PREFIX``.

Serves exactly what the benchmark serves (the app factory, one uvicorn worker, no access log)
with the statistical profiler sampling the event-loop thread every millisecond; on SIGTERM or
SIGINT uvicorn shuts down and the profile is written as OUT_PREFIX.html and OUT_PREFIX.txt.
Time spent waiting in the selector is OpenSearch (or the client) being waited for; everything
else on the loop thread is the façade's own CPU.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import uvicorn
from pyinstrument import Profiler


class Server(uvicorn.Server):
    """uvicorn re-raises the signal it caught once it has shut down, which would end the
    process before the profile is written: here a signal only asks for the shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        def stop(signum: int, frame: FrameType | None) -> None:
            self.should_exit = True

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)
        yield


def main(argv: list[str]) -> int:
    port, prefix = int(argv[0]), Path(argv[1])
    config = uvicorn.Config(
        "eclaire_search.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
    )
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    try:
        Server(config).run()
    finally:
        profiler.stop()
        prefix.parent.mkdir(parents=True, exist_ok=True)
        prefix.with_suffix(".html").write_text(profiler.output_html())
        tree = profiler.output_text(unicode=True, color=False, show_all=False)
        flat = profiler.output_text(unicode=True, color=False, flat=True)
        prefix.with_suffix(".txt").write_text(f"{tree}\n\nSelf time by function (flat):\n{flat}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
