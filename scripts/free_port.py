"""Prints a free TCP port on 127.0.0.1 (used by the run, test and smoke scripts)."""

import socket

with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1])
