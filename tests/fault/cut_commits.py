"""A TCP proxy for .ci/faults that loses the answers to COMMITs: it relays
PostgreSQL's protocol, and on every Nth COMMIT from a client it passes the
COMMIT on, lets the server commit, then cuts the connection before the
answer comes back. The client cannot know whether its batch was written;
otto must find out (by the batch id, under the study's lock) instead of
writing it twice.
    python3 cut_commits.py LISTEN_PORT SERVER_PORT EVERY_N
Clients must connect with sslmode=disable gssencmode=disable. Prints the
number of cut COMMITs when stopped with SIGTERM."""
import signal
import socket
import struct
import sys
import threading
import time

listen_port, server_port, every = (int(a) for a in sys.argv[1:4])
lock = threading.Lock()
commits = [0, 0]  # seen, cut


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError
        buf += chunk
    return buf


def client_to_server(client, server, cutting):
    try:
        (length,) = struct.unpack("!I", read_exact(client, 4))  # the startup message
        server.sendall(struct.pack("!I", length) + read_exact(client, length - 4))
        while True:
            head = read_exact(client, 5)
            (length,) = struct.unpack("!I", head[1:])
            body = read_exact(client, length - 4)
            cut = False
            if head[:1] == b"Q" and body.rstrip(b"\0").strip().upper() == b"COMMIT":
                with lock:
                    commits[0] += 1
                    cut = commits[0] % every == 0
                    commits[1] += cut
            if cut:
                cutting.set()  # from now on nothing reaches the client
            server.sendall(head + body)
            if cut:
                time.sleep(0.05)  # the server commits; its answer is lost
                break
    except (ConnectionError, OSError):
        pass
    for s in (client, server):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def server_to_client(server, client, cutting):
    try:
        while True:
            data = server.recv(65536)
            if not data or cutting.is_set():
                break
            client.sendall(data)
    except OSError:
        pass


def main():
    signal.signal(signal.SIGTERM, lambda *_: (print(f"cut {commits[1]} of {commits[0]} "
                                                    f"COMMITs"), sys.exit(0)))
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", listen_port))
    lsock.listen(64)
    while True:
        client, _ = lsock.accept()
        server = socket.create_connection(("127.0.0.1", server_port))
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        cutting = threading.Event()
        threading.Thread(target=client_to_server, args=(client, server, cutting),
                         daemon=True).start()
        threading.Thread(target=server_to_client, args=(server, client, cutting),
                         daemon=True).start()


main()
