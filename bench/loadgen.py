"""The load generator: a separate process (standard library only) that drives one benchmark row.

It reads a JSON spec on stdin and writes JSON results on stdout. ``concurrency``
threads each keep one HTTP/1.1 keep-alive connection and send requests back to
back. The row's real endpoint and its baseline run in alternating slices
(real, baseline, real, baseline, ...) after a warm-up of each, so a change in
the machine's background load hits both sides alike.

Spec::

    {"host": "127.0.0.1", "port": 8000, "concurrency": 2, "warmup": 1.0,
     "slices": [["real", 3.0], ["baseline", 3.0], ...],
     "targets": {"real": {"mode": "cycle" | "once", "unique_client_ip": false,
                          "requests": [{"method": "GET", "path": "/", "headers": {}, "body": null}]},
                 "baseline": {...}}}

``mode: once`` sends every request at most once (e.g. one invoice per order)
and ends a slice early when they run out.
"""

import http.client
import itertools
import json
import sys
import threading
import time


class Target:
    def __init__(self, spec: dict):
        self.requests = spec["requests"]
        self.once = spec.get("mode", "cycle") == "once"
        self.unique_ip = spec.get("unique_client_ip", False)
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            n = next(self._counter)
        if self.once:
            if n >= len(self.requests):
                return None, n
            return self.requests[n], n
        return self.requests[n % len(self.requests)], n


class Recorder:
    def __init__(self):
        self.latencies: list[float] = []
        self.status: dict[str, int] = {}
        self.queries: dict[str, int] = {}
        self.errors: list[str] = []
        self.elapsed = 0.0
        self.lock = threading.Lock()

    def add(self, latency, status, queries):
        with self.lock:
            self.latencies.append(latency)
            self.status[str(status)] = self.status.get(str(status), 0) + 1
            if queries is not None:
                self.queries[queries] = self.queries.get(queries, 0) + 1

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        count = len(lat)

        def pct(p):
            if not lat:
                return None
            return lat[min(count - 1, int(round(p / 100 * (count - 1))))]

        return {
            "count": count,
            "elapsed": self.elapsed,
            "throughput": count / self.elapsed if self.elapsed else 0.0,
            "median_ms": pct(50) * 1000 if lat else None,
            "p95_ms": pct(95) * 1000 if lat else None,
            "status": self.status,
            "queries": self.queries,
            "errors": self.errors[:5],
            "error_count": len(self.errors),
        }


class Worker:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None

    def send(self, request: dict, extra_headers: dict):
        headers = {"Host": f"{self.host}:{self.port}", **request.get("headers", {}), **extra_headers}
        body = request.get("body")
        body = body.encode() if isinstance(body, str) else body
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.conn.request(request["method"], request["path"], body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # An idle keep-alive connection closed by the server: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        if (response.getheader("connection") or "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("x-bench-queries")


def run_slice(workers, target: Target, recorder: Recorder | None, duration: float):
    deadline = time.perf_counter() + duration

    def loop(worker):
        while time.perf_counter() < deadline:
            request, n = target.next()
            if request is None:
                return
            extra = {}
            if target.unique_ip:
                # A different guest per request, as at many tables at once.
                extra["X-Bench-Client-IP"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
            started = time.perf_counter()
            try:
                status, queries = worker.send(request, extra)
            except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
                if recorder is not None:
                    with recorder.lock:
                        recorder.errors.append(f"{type(exc).__name__}: {exc}")
                worker.conn = None
                continue
            if recorder is not None:
                recorder.add(time.perf_counter() - started, status, queries)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if recorder is not None:
        recorder.elapsed += time.perf_counter() - started


def main() -> None:
    spec = json.load(sys.stdin)
    workers = [Worker(spec["host"], spec["port"]) for _ in range(spec["concurrency"])]
    targets = {name: Target(target) for name, target in spec["targets"].items()}
    recorders = {name: Recorder() for name in targets}
    for name in targets:
        run_slice(workers, targets[name], None, spec.get("warmup", 1.0))
    for name, duration in spec["slices"]:
        run_slice(workers, targets[name], recorders[name], duration)
    json.dump({name: recorder.summary() for name, recorder in recorders.items()}, sys.stdout)


if __name__ == "__main__":
    main()
