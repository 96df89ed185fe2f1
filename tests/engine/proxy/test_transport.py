"""The pool's idle-connection check: readable while idle means the peer has gone."""

from __future__ import annotations

import socket

from engine.proxy.transport import socket_readable


def test_idle_socket_is_not_readable_until_the_peer_closes() -> None:
    ours, theirs = socket.socketpair()
    try:
        assert not socket_readable(ours)
        theirs.close()
        assert socket_readable(ours)
    finally:
        ours.close()
    assert socket_readable(ours)  # a closed socket is never reusable
