"""A small HTTP client with a cookie jar and keep-alive, standard library only.

Used to set up sessions (log in, fetch CSRF tokens) and by the scale-out test.
It keeps cookies marked ``Secure`` although it speaks plain http: the servers
run production settings (secure cookies) on loopback without TLS.
"""

import http.client
import re
import urllib.parse
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Client:
    base_url: str
    cookies: dict = field(default_factory=dict)
    timeout: float = 60
    # The Host header; behind a load balancer every app server sees the public
    # name, not its own address and port (default: host:port of base_url).
    host: str | None = None

    def __post_init__(self):
        parts = urllib.parse.urlsplit(self.base_url)
        self._host, self._port = parts.hostname, parts.port or 80
        self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        return self._conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        all_headers = {"Host": self.host or f"{self._host}:{self._port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                raw = conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one once.
                self.close()
                if attempt == 2:
                    raise
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""') or "max-age=0" in value.lower():
                    self.cookies.pop(cookie_name, None)
                else:
                    self.cookies[cookie_name] = cookie_value
        if raw.getheader("connection", "").lower() == "close":
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict | list, headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def csrf_token_from(self, response: Response) -> str:
        """The form's CSRF token from a page (falls back to the cookie, which Django also accepts)."""
        match = CSRF_INPUT.search(response.text)
        return match.group(1) if match else self.cookies.get("csrftoken", "")
