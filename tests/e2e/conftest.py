"""Fixtures for the end-to-end tests.

The servers under test are prebuilt binaries, each run on a free loopback port:

- the two ticket examples, the same API on two frameworks: axum-tickets
  (``cargo build -p axum-tickets``, found at ``$AXUM_TICKETS_BIN`` or ``target/debug/axum-tickets``)
  and actix-tickets (``$ACTIX_TICKETS_BIN`` or ``target/debug/actix-tickets``), each run with
  ``DEMO_TOKEN=e2e-token``; every test that uses ``server`` or ``spawn_server`` runs once per example;
- the fidelity echo app (``cargo build -p fidelity-app``), found at ``$FIDELITY_APP_BIN`` or
  ``target/debug/fidelity-app``; it has no auth. With ``FIDELITY_OPENAPI`` it mounts GitHub's REST
  description from the corpus in discovery mode instead (``discovery_server``).

Relative binary paths are taken from the repository root.

Clients are the official MCP Python SDK (``mcp`` 2.x). The SDK's ``Client`` takes a URL or
any transport; headers go on the ``httpx2.AsyncClient`` handed to
``streamable_http_client(url, http_client=...)``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.extension import ClientExtension
from mcp.client.streamable_http import streamable_http_client

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token"
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
REQUEST_TIMEOUT = 30.0

# "auto" probes server/discover and should settle on 2026-07-28 against this server.
MODES = ["legacy", "2026-07-28", "auto"]


# --- the server process -------------------------------------------------------------------


def _binary(env_var: str = "AXUM_TICKETS_BIN", package: str = "axum-tickets") -> Path:
    raw = os.environ.get(env_var)
    path = Path(raw) if raw else Path(f"target/debug/{package}")
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"{package} binary not found at {path}. Build it with "
            f"`cargo build -p {package}` (or run scripts/test.sh), "
            f"or point {env_var} at a built binary.",
            pytrace=False,
        )
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One running server process (a ticket example or fidelity-app)."""

    process: subprocess.Popen[bytes]
    port: int
    token: str
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/mcp"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code, or None if the process is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = SHUTDOWN_TIMEOUT) -> int | None:
        """SIGTERM, then wait up to `timeout` s. Returns the exit code, or None if it hung
        (the process is then killed so nothing leaks)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.wait_exit(timeout)
        if code is None:
            self.process.kill()
            self.process.wait()
        return code


def _start(
    binary: Path, log_dir: Path, token: str = TOKEN, extra_env: dict[str, str] | None = None
) -> Server:
    """Start the binary on a free port and wait until the port accepts connections."""
    for attempt in range(3):  # the free port can be taken before the server binds it
        port = _free_port()
        log_path = log_dir / f"{binary.name}-{port}.log"
        env = {**os.environ, "PORT": str(port), "DEMO_TOKEN": token, **(extra_env or {})}
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(binary)],
                env=env,
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(process=process, port=port, token=token, log_path=log_path)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                output = server.log()
                if "in use" in output.lower() and attempt < 2:
                    break  # lost the port race: try another port
                pytest.fail(
                    f"{binary.name} exited with code {process.returncode} during startup "
                    f"(port {port}). Output:\n{output}",
                    pytrace=False,
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                server.stop(timeout=2)
                pytest.fail(
                    f"{binary.name} did not accept connections on 127.0.0.1:{port} within "
                    f"{STARTUP_TIMEOUT:.0f} s. Output:\n{server.log()}",
                    pytrace=False,
                )
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _stop_cleanly(srv: Server, name: str) -> None:
    """SIGTERM `srv`; it must exit promptly and with 0."""
    code = srv.stop()
    assert code is not None, (
        f"{name} did not exit within {SHUTDOWN_TIMEOUT:.0f} s of SIGTERM. Output:\n{srv.log()}"
    )
    assert code == 0, f"{name} exited with {code} after SIGTERM. Output:\n{srv.log()}"


# The ticket examples: package name → environment variable that may point at its binary.
TICKET_EXAMPLES = {"axum-tickets": "AXUM_TICKETS_BIN", "actix-tickets": "ACTIX_TICKETS_BIN"}


@pytest.fixture(scope="session", params=list(TICKET_EXAMPLES))
def example(request: pytest.FixtureRequest) -> str:
    """Which ticket example the test runs against (the same API on axum and on actix-web)."""
    return request.param


@pytest.fixture(scope="session")
def example_bin(example: str) -> Path:
    return _binary(TICKET_EXAMPLES[example], example)


@pytest.fixture(scope="session")
def server(
    example: str, example_bin: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The shared server of one example for the whole session; stopping it must be prompt and
    clean."""
    srv = _start(example_bin, tmp_path_factory.mktemp(example))
    yield srv
    _stop_cleanly(srv, example)


@pytest.fixture
def spawn_server(example_bin: Path, tmp_path: Path) -> Iterator[Callable[[], Server]]:
    """Start a private server (for tests that stop it); leftovers are killed afterwards."""
    started: list[Server] = []

    def spawn() -> Server:
        srv = _start(example_bin, tmp_path)
        started.append(srv)
        return srv

    yield spawn
    for srv in started:
        if srv.process.poll() is None:
            srv.process.kill()
            srv.process.wait()


@pytest.fixture(scope="session")
def fidelity_app_bin() -> Path:
    return _binary("FIDELITY_APP_BIN", "fidelity-app")


@pytest.fixture(scope="session")
def fidelity_server(
    fidelity_app_bin: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The fidelity echo app, shared by the whole session; it must stop cleanly too."""
    srv = _start(fidelity_app_bin, tmp_path_factory.mktemp("fidelity"))
    yield srv
    _stop_cleanly(srv, "fidelity-app")


@pytest.fixture(scope="session")
def github_rest_document() -> Path:
    """GitHub's REST description from the corpus (tests/corpus/fetch.sh, which scripts/test.sh
    runs first)."""
    corpus = Path(os.environ.get("MCP_WEB_CORPUS_DIR", REPO_ROOT / ".cache" / "corpus"))
    document = corpus / "github-rest.json"
    if not document.is_file():
        pytest.skip(f"{document} is missing: run tests/corpus/fetch.sh")
    return document


@pytest.fixture(scope="session")
def discovery_server(
    fidelity_app_bin: Path, github_rest_document: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The fidelity app mounting GitHub's REST description in discovery mode, every operation
    answered by its echo handler (``FIDELITY_OPENAPI``)."""
    srv = _start(
        fidelity_app_bin,
        tmp_path_factory.mktemp("discovery"),
        extra_env={"FIDELITY_OPENAPI": str(github_rest_document)},
    )
    yield srv
    _stop_cleanly(srv, "fidelity-app (discovery)")


# --- MCP clients ---------------------------------------------------------------------------


async def _raise_on_auth_failure(response: httpx2.Response) -> None:
    # The SDK's streamable-HTTP transport turns any non-JSON-RPC 4xx into a bare
    # MCPError(-32603, "Server returned an error response"), dropping the status code.
    # Raising here makes the HTTP status itself reach the caller.
    if response.status_code in (401, 403):
        await response.aread()
        response.raise_for_status()


@asynccontextmanager
async def connect(
    url: str,
    *,
    mode: str,
    token: str | None,
    exchanges: list[tuple[str, int]] | None = None,
    extensions: Sequence[ClientExtension] = (),
) -> AsyncIterator[Client]:
    """An MCP client session on `url`, sending `Authorization: Bearer <token>` unless None.

    If `exchanges` is given, (method, status) of every HTTP response is appended to it.
    `extensions` are the client's opt-in extensions (e.g. the tasks extension).
    """
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    hooks = [_raise_on_auth_failure]
    if exchanges is not None:

        async def record(response: httpx2.Response) -> None:
            exchanges.append((response.request.method, response.status_code))

        hooks.insert(0, record)
    async with httpx2.AsyncClient(
        headers=headers,
        # The SDK's own defaults (mcp.shared._httpx_utils.create_mcp_http_client).
        timeout=httpx2.Timeout(REQUEST_TIMEOUT, read=300.0),
        event_hooks={"response": hooks},
    ) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(
            transport,
            mode=mode,
            read_timeout_seconds=REQUEST_TIMEOUT,
            extensions=list(extensions) or None,
        ) as client:
            yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def client(server: Server, mode: str) -> AsyncIterator[Client]:
    """A connected client in `mode` that has listed the tools (so the SDK validates
    structured results against each tool's output schema)."""
    async with connect(server.url, mode=mode, token=server.token) as c:
        await c.list_tools()
        yield c
