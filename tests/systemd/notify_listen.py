#!/usr/bin/python3
"""notify_listen.py PATH: a stand-in for systemd's notification socket.

Binds an AF_UNIX datagram socket at PATH, prints "bound" once, then prints
each datagram it receives on one line (newlines inside a message shown as
"|"), until killed. Used by foundation-systemd.test.mjs: node cannot make
AF_UNIX datagram sockets.
"""
import os
import socket
import sys


def main():
    path = sys.argv[1]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    print("bound", flush=True)
    while True:
        data = s.recv(4096)
        print(data.decode("utf-8", "replace").strip("\n").replace("\n", "|"), flush=True)


if __name__ == "__main__":
    main()
