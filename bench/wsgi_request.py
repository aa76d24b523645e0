"""A request handed straight to a WSGI application in this process, as a server hands it over: for the
benchmarks that read the CPU a request costs without a load generator beside it."""

import io
import sys


def environ(method: str, path: str, **headers: str) -> dict:
    """The WSGI environ of `method path` (a query string after `?`) from 127.0.0.1, with these CGI-style
    headers (`HTTP_COOKIE=…`, `HTTP_AUTHORIZATION=…`, `CONTENT_LENGTH=…`)."""
    address, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": address,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        **headers,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def status_of(application, request_environ: dict) -> int:
    """Serves the request, reads and closes the body, and answers the status code."""
    statuses = []
    body = application(request_environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()
    return int(statuses[0].split()[0])
