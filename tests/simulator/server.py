"""Threaded HTTP/1.1 server on werkzeug.serving, with keep-alive, TCP_NODELAY and optional TLS.

werkzeug's development handler always sends "Connection: close"; benchmarks need
persistent connections, so run_wsgi is replaced by a keep-alive version that
buffers each (small) response and sends it with a Content-Length.

With TLS, werkzeug would wrap the listening socket, so every handshake would run in
the accepting thread: one silent client would stall the whole server. Here each
connection's own thread does its handshake (with a timeout), and a failed one only
closes that connection.
"""

import socket
import ssl
import threading

from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from .app import DROP_KEY


class KeepAliveHandler(WSGIRequestHandler):
    """One connection: serves requests until the client closes or goes idle."""

    protocol_version = "HTTP/1.1"
    timeout = 300  # idle keep-alive connections are closed after this many seconds

    def setup(self):
        super().setup()
        # Without this, a keep-alive client waits for delayed ACKs: ~40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self):
        self.server.track(self.connection, False)
        super().finish()

    def run_wsgi(self):
        self.environ = environ = self.make_environ()
        if not environ.get("wsgi.input_terminated"):
            try:
                length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
            except ValueError:
                length, self.close_connection = 0, True
            environ["wsgi.input"] = LimitedStream(self.rfile, length)
            environ["wsgi.input_terminated"] = True
        reply, chunks = {}, []

        def start_response(status, headers, exc_info=None):
            del exc_info
            reply.update(status=status, headers=headers)
            return chunks.append

        result = self.server.app(environ, start_response)
        try:
            chunks.extend(result)
            body = b"".join(chunks)
        finally:
            if hasattr(result, "close"):
                result.close()
        self._drain(environ["wsgi.input"])
        if environ.get(DROP_KEY):
            self._drop()
            return
        code = int(reply["status"].split(" ", 1)[0])
        self.send_response(code)  # standard reason phrase ("Unauthorized", not werkzeug's "UNAUTHORIZED")
        bodiless = code in (204, 304)
        for name, value in reply["headers"]:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if not bodiless:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _drain(self, stream):
        """Read what the app left of the request body, so the next request starts clean."""
        try:
            while stream.read(65536):
                pass
        except (OSError, ClientDisconnected):
            self.close_connection = True

    def _drop(self):
        """Close the connection without any response (the client sees a connection error)."""
        self.close_connection = True
        _shutdown(self.connection)

    def log_request(self, code="-", size="-"):
        """Silent: request lines are in the simulator's own log, never on stdout/stderr."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silent as well (BaseHTTPRequestHandler prints errors here)."""

    def log(self, type, message, *args):  # pylint: disable=redefined-builtin
        """Silent: werkzeug's handler logs malformed requests to stderr through this."""


class SimServer(ThreadedWSGIServer):
    """ThreadedWSGIServer that remembers open connections so stop() can close them.

    ssl_context (an ssl.SSLContext or None) turns on HTTPS: the handshake happens in the
    connection's thread (finish_request), never in the accepting one.
    """

    request_queue_size = 128
    handshake_timeout = 10.0  # seconds a client gets to complete the TLS handshake

    def __init__(self, host, port, app, ssl_context=None):
        super().__init__(host, port, app, handler=KeepAliveHandler)
        # Set after werkzeug's __init__, which would otherwise wrap the listening socket;
        # werkzeug's handler reads it for wsgi.url_scheme ("https") and to silence SSL errors.
        self.ssl_context = ssl_context
        self._connections = set()
        self._connections_lock = threading.Lock()

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request.settimeout(self.handshake_timeout)
        tls = None
        try:
            # wrap_socket detaches request: from here on only the TLS socket owns the descriptor.
            tls = self.ssl_context.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
            self.track(tls, True)
            tls.do_handshake()
        except OSError:
            pass  # certificate rejected by the client, plain HTTP, a reset or a timeout: this connection only
        else:
            super().finish_request(tls, client_address)
        finally:
            if tls is not None:
                self.track(tls, False)
                self.shutdown_request(tls)

    def track(self, connection, is_open):
        with self._connections_lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def open_connections(self):
        """The sockets of the connections being served now (TLS sockets with HTTPS)."""
        with self._connections_lock:
            return list(self._connections)

    def close_connections(self):
        for connection in self.open_connections():
            _shutdown(connection)

    def log(self, type, message, *args):  # pylint: disable=redefined-builtin
        """Silent: werkzeug would print to stderr."""


class ServerThread:
    """Runs a SimServer in a daemon thread (HTTPS when ssl_context is an ssl.SSLContext)."""

    def __init__(self, app, host="127.0.0.1", port=0, ssl_context=None):
        self.server = SimServer(host, port, app, ssl_context)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"helix-simulator-{self.port}", daemon=True)

    def start(self):
        self._thread.start()
        return self

    @property
    def scheme(self):
        return "http" if self.server.ssl_context is None else "https"

    def stop(self):
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join(timeout=5)


def _shutdown(connection):
    """Shut a connection down both ways, from any thread.

    socket.socket.shutdown even for a TLS socket: ssl.SSLSocket.shutdown also drops the TLS
    state under the feet of the thread that is still reading from it.
    """
    try:
        socket.socket.shutdown(connection, socket.SHUT_RDWR)
    except OSError:
        pass


def tls_context(cert_file, key_file=None):
    """A server-side ssl.SSLContext from PEM files (key_file None: the key is in cert_file)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context
