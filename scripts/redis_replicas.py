"""Two replicas of mcp-web-redis's `redis-replica` example on one real Redis: sessions that move
between replicas, SSE streams resumed with Last-Event-ID after a replica is killed, session
expiry in Redis, a flood of `initialize`, and Redis going down.

Run by scripts/redis-replicas.sh, which installs and starts Redis, builds the replica and
cleans up; this file starts and kills the replicas itself. Raw HTTP (stdlib only), so every
event id on the wire is seen. Exit status 1 on any failure; the figures go to stdout.
"""

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

PROTOCOL = "2025-11-25"
MODERN = "2026-07-28"
STATE_KEY = "replicas-share-this-request-state-key-32b"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)
    return condition


class Replica:
    def __init__(self, binary, name, redis_url, env_extra):
        self.name = name
        env = dict(os.environ, REDIS_URL=redis_url, REPLICA=name, PORT="0",
                   MCP_STATE_KEY=STATE_KEY, **env_extra)
        self.process = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE,
                                        stderr=open(f"{os.environ['WORKDIR']}/{name}.log", "ab"))
        line = self.process.stdout.readline().decode()
        if "listening on http://127.0.0.1:" not in line:
            raise RuntimeError(f"replica {name} did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def post(replica, message, session=None, version=PROTOCOL, extra_headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=timeout)
    headers = {"Content-Type": "application/json",
               "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": version}
    if session:
        headers["Mcp-Session-Id"] = session
    headers.update(extra_headers or {})
    connection.request("POST", "/mcp", json.dumps(message), headers)
    return connection, connection.getresponse()


def sse_events(response):
    """Yield (id, data) per SSE event until the body ends."""
    event_id, data = None, []
    while True:
        line = response.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line == "":
            if event_id is not None or data:
                yield event_id, "\n".join(data)
            event_id, data = None, []
        elif line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))


def messages(response):
    """The JSON-RPC messages of a response, JSON or SSE."""
    if response.getheader("Content-Type", "").startswith("application/json"):
        body = response.read()
        return [json.loads(body)] if body else []
    return [json.loads(data) for _, data in sse_events(response) if data]


def rpc(replica, message, session=None, **kw):
    connection, response = post(replica, message, session, **kw)
    try:
        status = response.status
        if status != 200:
            return status, response.read().decode(errors="replace"), None
        found = [m for m in messages(response) if m.get("id") == message.get("id")]
        return status, found[0] if found else None, response.getheader("Mcp-Session-Id")
    finally:
        connection.close()


def initialize(replica):
    message = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": PROTOCOL, "capabilities": {},
        "clientInfo": {"name": "redis-replicas", "version": "1"}}}
    status, answer, session = rpc(replica, message)
    if status != 200:
        return status, None
    connection, response = post(replica, {"jsonrpc": "2.0",
                                           "method": "notifications/initialized"}, session)
    response.read()
    connection.close()
    return status, session


def tool_call(request_id, name, arguments, progress=None):
    params = {"name": name, "arguments": arguments}
    if progress is not None:
        params["_meta"] = {"progressToken": progress}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def text_of(answer):
    try:
        return answer["result"]["content"][0]["text"]
    except (KeyError, IndexError, TypeError):
        return None


def redis_cli(args):
    command = [os.environ["REDIS_CLI"], "-p", os.environ["REDIS_PORT"], "--raw"] + args
    return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout


def redis_commands():
    """Commands Redis has processed so far (INFO stats, `total_commands_processed`)."""
    for line in redis_cli(["INFO", "stats"]).splitlines():
        if line.startswith("total_commands_processed:"):
            return int(line.split(":", 1)[1])
    return 0


# --- phases ---------------------------------------------------------------------------------


def load(replicas, clients, calls):
    """`clients` sessions, each opened on one replica and then called on both, alternately."""
    made = answered = wrong = 0
    served_by = {r.name: 0 for r in replicas}
    lock = threading.Lock()

    def client(number):
        nonlocal made, answered, wrong
        home = replicas[number % len(replicas)]
        status, session = initialize(home)
        if not check(status == 200 and session, f"client {number}: initialize {status}"):
            return
        for call in range(calls):
            replica = replicas[(number + call) % len(replicas)]
            text = f"client {number} call {call} {random.random()}"
            status, answer, _ = rpc(replica, tool_call(call + 1, "echo", {"text": text}), session)
            with lock:
                made += 1
                if status != 200 or answer is None:
                    check(False, f"client {number} call {call} on {replica.name}: {status} {answer}")
                    continue
                answered += 1
                body = json.loads(text_of(answer) or "{}")
                if body.get("text") != text or body.get("replica") != replica.name:
                    wrong += 1
                    check(False, f"client {number} call {call}: wrong answer {body}")
                else:
                    served_by[replica.name] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    commands_before = redis_commands()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    commands = redis_commands() - commands_before
    print(f"load: {clients} sessions x {calls} calls alternating replicas: made {made}, "
          f"answered {answered}, wrong {wrong}; served by {served_by}; {elapsed:.1f} s; "
          f"Redis commands {commands} ({commands / max(made, 1):.2f} per call, sessions opened "
          f"included)", flush=True)
    check(made == clients * calls and answered == made and wrong == 0, "load figures")
    return made, answered, wrong


def stream_id_of(event_id):
    return event_id.rsplit("/", 1)[0]


def entry_key(event_id):
    millis, sequence = event_id.rsplit("/", 1)[1].split("-")
    return int(millis), int(sequence)


def kill_and_resume(victim, survivor, steps, read_before_leaving, kill_after_s, expect_answer):
    """A countdown on `victim`, left after a few events; `victim` SIGKILLed; the stream resumed
    with Last-Event-ID on `survivor`. Every event id is checked against Redis."""
    status, session = initialize(victim)
    if not check(status == 200, f"kill round: initialize on {victim.name} {status}"):
        return False
    connection, response = post(victim, tool_call(7, "countdown", {"steps": steps, "delay_ms": 100},
                                                  progress="p7"), session)
    seen = []
    for event_id, data in sse_events(response):
        seen.append((event_id, json.loads(data) if data else None))
        progress = [m for _, m in seen if m and m.get("method") == "notifications/progress"]
        if len(progress) >= read_before_leaving:
            break
    connection.close()  # the client misses what follows
    time.sleep(kill_after_s)
    victim.kill()
    last_id = seen[-1][0]
    stream = stream_id_of(last_id)
    stored = redis_cli(["XRANGE", f"mcp:events:{stream}", "-", "+"]).split()
    stored_ids = [f"{stream}/{entry}" for entry in stored if "-" in entry and entry[0].isdigit()]

    # Resume on the survivor, which has never seen this session.
    connection = http.client.HTTPConnection("127.0.0.1", survivor.port, timeout=30)
    connection.request("GET", "/mcp", headers={
        "Accept": "text/event-stream", "Mcp-Session-Id": session,
        "MCP-Protocol-Version": PROTOCOL, "Last-Event-ID": last_id})
    response = connection.getresponse()
    check(response.status == 200, f"resume on {survivor.name}: {response.status}")
    replayed = [(i, json.loads(d) if d else None) for i, d in sse_events(response)]
    connection.close()

    seen_ids = [i for i, _ in seen if i]
    replayed_ids = [i for i, _ in replayed]
    all_ids = seen_ids + replayed_ids
    ok = check(len(set(all_ids)) == len(all_ids), f"no event id twice: {all_ids}")
    ok &= check(all(i and stream_id_of(i) == stream for i in replayed_ids),
                "every replayed event is of the stream resumed")
    ok &= check([entry_key(i) for i in all_ids] == sorted(entry_key(i) for i in all_ids),
                "event ids in increasing order")
    missed = stored_ids[stored_ids.index(last_id) + 1:] if last_id in stored_ids else None
    ok &= check(replayed_ids == missed,
                f"replay is exactly what Redis holds after {last_id}: {replayed_ids} vs {missed}")
    progress = [m["params"]["progress"] for _, m in seen + replayed
                if m and m.get("method") == "notifications/progress"]
    ok &= check(progress == list(range(1, len(progress) + 1)),
                f"progress notifications once each, in order: {progress}")
    answers = [m for _, m in replayed if m and m.get("id") == 7]
    if expect_answer:
        ok &= check(len(progress) == steps, f"all {steps} progress notifications: {len(progress)}")
        ok &= check(len(answers) == 1 and victim.name in (text_of(answers[0]) or ""),
                    f"the answer, once, from {victim.name}: {answers}")
    else:
        ok &= check(len(progress) < steps and not answers,
                    "killed mid-stream: the replay ends where the dead replica stopped")
    # The session goes on on the survivor.
    status, answer, _ = rpc(survivor, tool_call(8, "echo", {"text": "after the kill"}), session)
    ok &= check(status == 200 and json.loads(text_of(answer) or "{}").get("replica") == survivor.name,
                f"session continues on {survivor.name}: {status} {answer}")
    print(f"kill {victim.name} ({'after' if expect_answer else 'during'} the countdown): "
          f"{len(seen_ids)} events read there, {len(replayed_ids)} replayed on {survivor.name} "
          f"(Redis held {len(missed or [])} after {last_id}); {'ok' if ok else 'FAILED'}",
          flush=True)
    return ok


def expiry(replica, idle_s):
    status, session = initialize(replica)
    ttl = int(redis_cli(["PTTL", f"mcp:session:{session}"]) or -2)
    check(0 < ttl <= idle_s * 1000, f"session key expires within the idle timeout: PTTL {ttl}")
    # In use for longer than the idle timeout: its key is written again and survives.
    deadline = time.monotonic() + idle_s * 1.5
    while time.monotonic() < deadline:
        rpc(replica, tool_call(1, "echo", {"text": "keep"}), session)
        time.sleep(idle_s / 6)
    alive = redis_cli(["EXISTS", f"mcp:session:{session}"]).strip()
    check(alive == "1", "a session in use outlives the idle timeout in Redis")
    time.sleep(idle_s * 1.25 + 1.5)
    gone = redis_cli(["EXISTS", f"mcp:session:{session}"]).strip()
    check(gone == "0", "an idle session's key expires in Redis")
    status, _, _ = rpc(replica, tool_call(2, "echo", {"text": "late"}), session)
    check(status == 404, f"an expired session gets 404: {status}")
    print(f"expiry: PTTL after initialize {ttl} ms (idle {idle_s} s); kept while in use, "
          f"gone {idle_s * 1.25 + 1.5:.1f} s after the last request", flush=True)


def session_keys():
    return len(redis_cli(["--scan", "--pattern", "mcp:session:*"]).split())


def flood(replicas, count, max_sessions, idle_s):
    before_rss = {r.name: r.rss_kib() for r in replicas}
    accepted = refused = 0
    for n in range(count):
        status, _ = initialize(replicas[n % len(replicas)])
        if status == 200:
            accepted += 1
        elif status == 503:
            refused += 1
        else:
            check(False, f"flood initialize: {status}")
    keys = session_keys()
    memory = redis_cli(["INFO", "memory"])
    used = next((l.split(":")[1].strip() for l in memory.splitlines()
                 if l.startswith("used_memory_human:")), "?")
    after_rss = {r.name: r.rss_kib() for r in replicas}
    check(accepted <= max_sessions * len(replicas), "no more sessions than the limits allow")
    check(keys <= max_sessions * len(replicas), f"session keys bounded: {keys}")
    time.sleep(idle_s * 1.25 + 1.5)
    left = session_keys()
    check(left == 0, f"flood sessions expire from Redis: {left} left")
    print(f"flood: {count} initialize: {accepted} accepted, {refused} refused (503, limit "
          f"{max_sessions} per replica); {keys} session keys in Redis ({used} used), {left} after "
          f"the idle timeout; RSS KiB before {before_rss} after {after_rss}", flush=True)


def redis_down(replicas):
    a, b = replicas
    status, session = initialize(a)
    check(status == 200, "initialize before the outage")
    os.kill(int(os.environ["REDIS_PID"]), signal.SIGKILL)
    time.sleep(0.5)
    # B never saw the session: it needs Redis to restore it.
    status, answer, _ = rpc(b, tool_call(1, "echo", {"text": "x"}), session)
    error = f"{status} {answer}"
    check(status >= 500 and "Redis" in str(answer), f"clear error without Redis: {error}")
    # A new session still opens (it lives on its replica only until Redis is back).
    status, _ = initialize(a)
    check(status == 200, f"initialize without Redis: {status}")
    # A knows it: it keeps serving it.
    status, answer, _ = rpc(a, tool_call(2, "echo", {"text": "known"}), session)
    check(status == 200 and answer and "known" in (text_of(answer) or ""),
          f"a session known here goes on: {status} {answer}")
    # Stateless 2026-07-28 traffic needs no Redis.
    meta = {"io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientInfo": {"name": "redis-replicas", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}
    stateless_ok = 0
    for n in range(20):
        replica = replicas[n % 2]
        params = {"name": "echo", "arguments": {"text": f"stateless {n}"}, "_meta": meta}
        status, answer, _ = rpc(replica, {"jsonrpc": "2.0", "id": n, "method": "tools/call",
                                          "params": params}, version=MODERN,
                                extra_headers={"Mcp-Method": "tools/call", "Mcp-Name": "echo"})
        if status == 200 and f"stateless {n}" in (text_of(answer) or ""):
            stateless_ok += 1
        else:
            check(False, f"stateless call {n} on {replica.name}: {status} {answer}")
        status, answer, _ = rpc(replica, {"jsonrpc": "2.0", "id": 100 + n, "method": "tools/list",
                                          "params": {"_meta": meta}}, version=MODERN,
                                extra_headers={"Mcp-Method": "tools/list"})
        if not (status == 200 and answer and "result" in answer):
            check(False, f"stateless tools/list {n} on {replica.name}: {status} {answer}")
        else:
            stateless_ok += 1
    check(all(r.alive() for r in replicas), "replicas still running without Redis")
    print(f"redis down: a session unknown here -> {error!r}; "
          f"stateless requests answered {stateless_ok}/40; replicas alive: "
          f"{[r.alive() for r in replicas]}", flush=True)


def main():
    binary = sys.argv[1]
    redis_url = f"redis://127.0.0.1:{os.environ['REDIS_PORT']}/"
    idle_s = 4
    max_sessions = 60
    env = {"MCP_SESSION_IDLE_SECS": str(idle_s), "MCP_MAX_SESSIONS": str(max_sessions)}
    replicas = [Replica(binary, name, redis_url, env) for name in ("a", "b")]
    kills = 0
    try:
        made, answered, wrong = load(replicas, clients=16, calls=50)
        if kill_and_resume(replicas[0], replicas[1], steps=20, read_before_leaving=3,
                           kill_after_s=0.6, expect_answer=False):
            kills += 1
        replicas[0] = Replica(binary, "a", redis_url, env)
        if kill_and_resume(replicas[1], replicas[0], steps=12, read_before_leaving=4,
                           kill_after_s=1.5, expect_answer=True):
            kills += 1
        replicas[1] = Replica(binary, "b", redis_url, env)
        expiry(replicas[0], idle_s)
        flood(replicas, count=400, max_sessions=max_sessions, idle_s=idle_s)
        redis_down(replicas)
    finally:
        for replica in replicas:
            replica.stop()
    print(f"figures: calls made {made}, answered {answered}, wrong {wrong}; "
          f"replica kills survived {kills}/2; failures {len(failures)}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
