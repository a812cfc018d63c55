"""A real OpenSearch node on loopback, fetched from Maven Central, for `make run` and the tests.

No Docker engine runs on the project's machines, so the server comes from the
``integ-test-zip`` distribution. That zip carries only the transport module: the French
analysis (elision, stop words, stemmer, ASCII folding) lives in ``analysis-common``, which
extends ``lang-painless``. Both are installed here as modules with their dependency jars and
plugin descriptors, so the node analyses text exactly as a production distribution does.

OpenSearch refuses to run as root; when we are root the node runs as a system user created
here (``runuser``; there is no sudo). Everything lives under a cache directory outside
``/root`` so that user can reach it. Stdlib only: it runs before anything else is set up.

    python -m devtools.localnode start [--name run|test]   # idempotent
    python -m devtools.localnode stop  [--name run|test]

The benchmark and reliability harnesses (``bench/``) have nodes of their own, never ``run`` or
``test``: ``bench`` (9270), ``outage`` (9280, stopped on purpose during load) and a three-node
cluster ``cluster-0..2`` (9290-9292) that discovers itself on loopback:

    python -m devtools.localnode start --name cluster   # all three members, then green
    python -m devtools.localnode kill  --name cluster-1 # SIGKILL one member (node loss)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

OPENSEARCH_VERSION = "2.19.6"
SERVER_ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{OPENSEARCH_VERSION}:zip"
# Module name -> (entry class, plugins it extends, Maven artifacts whose jars it needs).
MODULES: dict[str, tuple[str, str, list[str]]] = {
    "lang-painless": (
        "org.opensearch.painless.PainlessPlugin",
        "",
        [
            f"org.opensearch.plugin:lang-painless:{OPENSEARCH_VERSION}",
            f"org.opensearch.plugin:opensearch-scripting-painless-spi:{OPENSEARCH_VERSION}",
            "org.antlr:antlr4-runtime:4.13.1",
            "org.ow2.asm:asm:9.7",
            "org.ow2.asm:asm-util:9.7",
            "org.ow2.asm:asm-tree:9.7",
            "org.ow2.asm:asm-commons:9.7",
            "org.ow2.asm:asm-analysis:9.7",
        ],
    ),
    "analysis-common": (
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "lang-painless",
        [f"org.opensearch.plugin:analysis-common:{OPENSEARCH_VERSION}"],
    ),
}
# Painless compiles scripts into classes at run time; its upstream policy grants exactly this.
PAINLESS_POLICY = """grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
"""
SERVICE_USER = "eclaire-os"
CACHE_DIR = Path(os.environ.get("ECLAIRE_NODE_CACHE", "/var/tmp/eclaire-search"))
START_TIMEOUT = 600.0
"""Seconds a node may take to become healthy: generous, a busy machine boots slowly (the JVM
alone can take a minute on two loaded cores); a node that dies is reported at once anyway."""


@dataclass(frozen=True)
class Node:
    """One named node: its own ports and data directory, so tests never touch `make run`'s.

    A node with ``peers`` is a member of a multi-node cluster named ``eclaire-<cluster>``: it
    finds the other members on their loopback transport ports, and they bootstrap together.
    """

    name: str
    http_port: int
    transport_port: int
    heap: str = "1g"
    cluster: str | None = None
    peers: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def home(self) -> Path:
        return CACHE_DIR / "nodes" / self.name

    @property
    def cluster_name(self) -> str:
        return f"eclaire-{self.cluster or self.name}"

    @property
    def snapshots(self) -> Path:
        """The node's ``path.repo``: filesystem snapshot repositories live under it."""
        return self.home / "snapshots"


CLUSTER_MEMBERS = ("cluster-0", "cluster-1", "cluster-2")
NODES = {
    "run": Node("run", 9200, 9300),
    "test": Node("test", 9250, 9350),
    # Benchmark and reliability harnesses only (bench/): never the two above.
    "bench": Node("bench", 9270, 9370),
    "outage": Node("outage", 9280, 9380),
    # Operations experiments (launcher under load, snapshots): never the two above either.
    "ops": Node("ops", 9470, 9570),
    # Timed ingest loads (bench/ingest_speed.py): a quiet node of their own.
    "ingestbench": Node("ingestbench", 9480, 9580),
    **{
        name: Node(name, 9290 + i, 9390 + i, cluster="cluster", peers=CLUSTER_MEMBERS)
        for i, name in enumerate(CLUSTER_MEMBERS)
    },
}
# Names that stand for several nodes on the command line.
GROUPS = {"cluster": CLUSTER_MEMBERS}


def log(message: str) -> None:
    print(f"[opensearch] {message}", file=sys.stderr, flush=True)


def _mvn_copy(artifact: str, dest: Path) -> None:
    """Fetch one artifact through Maven (the machine's own client and its local repository)."""
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={dest}",
            "-Dmdep.overWriteReleases=false",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def install_dir() -> Path:
    return CACHE_DIR / f"opensearch-{OPENSEARCH_VERSION}"


def ensure_installed() -> Path:
    """Download (once) and unpack the server and the analysis modules; return the install dir."""
    target = install_dir()
    marker = target / ".eclaire-complete"
    if marker.exists():
        return target
    downloads = CACHE_DIR / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    zip_path = downloads / f"opensearch-{OPENSEARCH_VERSION}.zip"
    if not zip_path.exists():
        log(f"fetching {SERVER_ARTIFACT} from Maven Central")
        _mvn_copy(SERVER_ARTIFACT, downloads)
    if target.exists():
        shutil.rmtree(target)
    log(f"unpacking into {target}")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(CACHE_DIR)
    for binary in (target / "bin").iterdir():
        binary.chmod(0o755)
    for module, (classname, extends, artifacts) in MODULES.items():
        module_dir = target / "modules" / module
        module_dir.mkdir(parents=True, exist_ok=True)
        for artifact in artifacts:
            _mvn_copy(artifact, module_dir)
        (module_dir / "plugin-descriptor.properties").write_text(
            f"description=OpenSearch module {module}\n"
            f"version={OPENSEARCH_VERSION}\n"
            f"name={module}\n"
            f"classname={classname}\n"
            "java.version=11\n"
            f"opensearch.version={OPENSEARCH_VERSION}\n"
            "custom.foldername=\n"
            f"extended.plugins={extends}\n"
            "has.native.controller=false\n"
        )
        if module == "lang-painless":
            (module_dir / "plugin-security.policy").write_text(PAINLESS_POLICY)
    marker.touch()
    return target


def _java_home() -> str:
    for var in ("OPENSEARCH_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            return os.environ[var]
    java = shutil.which("java")
    if not java:
        raise SystemExit("java not found: OpenSearch needs a Java 17 runtime")
    return str(Path(os.path.realpath(java)).parent.parent)


def _as_service_user() -> list[str]:
    """Prefix that drops root; OpenSearch refuses to start as root."""
    if os.geteuid() != 0:
        return []
    exists = subprocess.run(["id", "-u", SERVICE_USER], capture_output=True).returncode == 0
    if not exists:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
        )
    return ["runuser", "-u", SERVICE_USER, "--"]


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{SERVICE_USER}:", str(path)], check=True)


def cluster_info(url: str, timeout: float = 2.0) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _running_pid(node: Node) -> int | None:
    pid_file = node.home / "opensearch.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def node_processes(node: Node) -> list[int]:
    """Processes launched for this node, found by their command line (``-Epath.data=…``).

    The ``-d`` daemon forks and the JVM writes its pid file only well into its boot (13 s was
    seen on a loaded machine), so the pid file cannot tell a slow start from a dead one; the
    start script and the JVM both carry the node's own data path among their arguments."""
    marker = f"-Epath.data={node.home / 'data'}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if marker in arguments:
            found.append(int(entry.name))
    return sorted(found)


def alive(node: Node) -> bool:
    """Whether anything launched for the node still runs (pid file or command line)."""
    return _running_pid(node) is not None or bool(node_processes(node))


def _log_tail(node: Node, lines: int = 5) -> str:
    for name in (f"eclaire-{node.name}.log", "startup.out"):
        try:
            text = (node.home / "logs" / name).read_text(errors="replace")
        except OSError:
            continue
        if text.strip():
            return "\n".join(text.strip().splitlines()[-lines:])
    return ""


def wait_healthy(
    url: str,
    timeout: float = START_TIMEOUT,
    node: Node | None = None,
    *,
    status: str = "yellow",
    nodes: int | None = None,
) -> None:
    """Wait for cluster health ``status`` or better (and ``nodes`` members, when given); give up
    at once if every process launched for ``node`` is gone (judged by the processes, never by
    how long the pid file takes to appear)."""
    deadline = time.monotonic() + timeout
    health_url = f"{url}/_cluster/health?wait_for_status={status}&timeout=5s"
    if nodes is not None:
        health_url += f"&wait_for_nodes={nodes}"
    accepted = ("green",) if status == "green" else ("yellow", "green")
    while time.monotonic() < deadline:
        info = cluster_info(health_url, timeout=10)
        if (
            info
            and info.get("status") in accepted
            and not info.get("timed_out")
            and (nodes is None or int(str(info.get("number_of_nodes", 0))) >= nodes)
        ):
            return
        if node is not None and not alive(node):
            tail = _log_tail(node)
            raise SystemExit(
                f"OpenSearch node {node.name!r} exited during start-up; "
                f"see {node.home / 'logs' / f'eclaire-{node.name}.log'}"
                + (f"\n{tail}" if tail else "")
            )
        time.sleep(1)
    raise TimeoutError(f"OpenSearch at {url} not healthy after {timeout:.0f}s")


def start(node: Node, *, wait: bool = True) -> str:
    """Start the node unless it already answers; return its URL once healthy.

    ``wait=False`` returns once the process is launched: a cluster member cannot be healthy
    before enough of its peers run (see :func:`start_cluster`)."""
    info = cluster_info(node.url)
    if info is not None:
        if info.get("cluster_name") != node.cluster_name:
            raise SystemExit(f"port {node.http_port} is taken by another service: {info}")
        log(f"reusing the running node at {node.url}")
        if wait:
            wait_healthy(node.url)
        return node.url
    if alive(node):  # launched by someone else, still booting: wait for it, never launch twice
        log(f"node {node.name!r} is starting (pid {node_processes(node)}); waiting for it")
        if wait:
            wait_healthy(node.url, node=node)
        return node.url
    home = ensure_installed()
    prefix = _as_service_user()
    for sub in ("data", "logs", "snapshots"):
        (node.home / sub).mkdir(parents=True, exist_ok=True)
    _chown(home)
    _chown(node.home)
    pid_file = node.home / "opensearch.pid"
    env = {
        **os.environ,
        "OPENSEARCH_JAVA_HOME": _java_home(),
        "OPENSEARCH_JAVA_OPTS": f"-Xms{node.heap} -Xmx{node.heap}",
    }
    env.pop("JAVA_TOOL_OPTIONS", None)
    settings = {
        "cluster.name": node.cluster_name,
        "node.name": node.name,
        "path.data": str(node.home / "data"),
        "path.logs": str(node.home / "logs"),
        "path.repo": str(node.snapshots),
        "network.host": "127.0.0.1",
        "http.port": str(node.http_port),
        "transport.port": str(node.transport_port),
        "discovery.type": "single-node",
        "action.auto_create_index": "false",
        "search.cancel_after_time_interval": "10s",  # a search the API gave up on stops
    }
    if node.peers:
        del settings["discovery.type"]
        settings["discovery.seed_hosts"] = ",".join(
            f"127.0.0.1:{NODES[peer].transport_port}" for peer in node.peers
        )
        # Read only when the cluster first forms; a member restarting rejoins from its data.
        settings["cluster.initial_cluster_manager_nodes"] = ",".join(node.peers)
    command = [*prefix, str(home / "bin" / "opensearch"), "-d", "-p", str(pid_file)]
    command += [f"-E{key}={value}" for key, value in settings.items()]
    log(f"starting node {node.name!r} on {node.url} (heap {node.heap})")
    launched = time.time()
    # The daemon keeps the streams it inherits: give it a file, never our (possibly piped) stdout.
    with open(node.home / "logs" / "startup.out", "ab") as out:
        subprocess.run(
            command,
            check=True,
            env=env,
            cwd=str(home),
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    if not wait:
        log(f"node {node.name!r} launched")
        return node.url
    wait_healthy(node.url, node=node)
    try:
        pid_note = f", pid file at {pid_file.stat().st_mtime - launched:.0f} s"
    except OSError:
        pid_note = ""
    log(f"node {node.name!r} is up ({time.time() - launched:.0f} s after launch{pid_note})")
    return node.url


def members(name: str) -> list[Node]:
    """The nodes a command-line name stands for (a group name, or one node)."""
    return [NODES[n] for n in GROUPS.get(name, (name,))]


def start_cluster(nodes: list[Node], *, status: str = "green", timeout: float = 300.0) -> list[str]:
    """Launch every member, then wait until they all joined one cluster of ``status``."""
    for node in nodes:
        start(node, wait=False)
    wait_healthy(nodes[0].url, timeout=timeout, status=status, nodes=len(nodes))
    log(f"cluster {nodes[0].cluster_name!r}: {len(nodes)} nodes, {status} or better")
    return [node.url for node in nodes]


def kill(node: Node) -> None:
    """SIGKILL the node, as a crash would: no clean leave from its cluster."""
    pid = _running_pid(node)
    if pid is None:
        log(f"node {node.name!r} is not running")
        return
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (node.home / "opensearch.pid").unlink(missing_ok=True)
    log(f"node {node.name!r} killed")


def stop(node: Node, timeout: float = 60.0) -> None:
    """SIGTERM the node (from its pid file, or its processes when stopped mid-start-up)."""
    pid_file = node.home / "opensearch.pid"
    pid = _running_pid(node)
    pids = [pid] if pid is not None else node_processes(node)
    if not pids:
        log(f"node {node.name!r} is not running")
        pid_file.unlink(missing_ok=True)
        return
    for each in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_exists(each) for each in pids):
            break
        time.sleep(0.5)
    else:
        for each in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(each, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    log(f"node {node.name!r} stopped")


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by the service user
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.localnode")
    parser.add_argument("action", choices=["install", "start", "stop", "kill", "status"])
    parser.add_argument("--name", choices=sorted([*NODES, *GROUPS]), default="run")
    args = parser.parse_args(argv)
    nodes = members(args.name)
    if args.action == "install":
        print(ensure_installed())
    elif args.action == "start":
        if args.name in GROUPS:
            print(",".join(start_cluster(nodes)))
        else:
            print(start(nodes[0]))
    elif args.action in ("stop", "kill"):
        for node in nodes:
            (stop if args.action == "stop" else kill)(node)
    else:
        down = 0
        for node in nodes:
            info = cluster_info(node.url)
            print(json.dumps(info, indent=2) if info else f"node {node.name!r} is not running")
            down += info is None
        return 1 if down else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
