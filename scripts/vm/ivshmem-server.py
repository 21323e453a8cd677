#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An ivshmem server for QEMU's ivshmem-doorbell device (Debian ships none).

usage: ivshmem-server.py --socket PATH --shm PATH [--size BYTES]
                         [--vectors N] [--first-id N]

The protocol is QEMU's docs/specs/ivshmem-spec.txt: on a UNIX socket, every
message is one little-endian int64, some with a file descriptor attached
(SCM_RIGHTS).  A peer that connects gets
  1. the protocol version, 0, without a descriptor,
  2. its own peer id, without a descriptor,
  3. -1 with the shared memory's descriptor,
  4. for every other connected peer: that peer's id with one of its
     eventfds, once per vector, in vector order;
then every other peer gets the new id with each of the new peer's eventfds,
and last the new peer gets its own id with its own eventfds (which the
device turns into its interrupt vectors).  When a peer goes, the others get
its id without a descriptor.

The shared memory is a file (under /dev/shm, say): created and sized when
missing, used as it is when present, so that a restarted server serves the
same memory.  Peer ids are never reused: the next one is kept in
SHM.next-id, so that a restarted server never hands out an id that a
running VM still holds.  Runs until SIGTERM or SIGINT.
"""
import argparse
import os
import selectors
import signal
import socket
import struct
import sys

PROTOCOL_VERSION = 0
MAX_PEER_ID = 0xffff  # the doorbell register's 16 bits of destination


def log(*words):
    # One write a line: the hub's log is shared with the hub.
    sys.stderr.write(' '.join(['ivshmem-server:', *map(str, words)]) + '\n')
    sys.stderr.flush()


class Peer:
    def __init__(self, peer_id, conn, vectors):
        self.id = peer_id
        self.conn = conn
        self.eventfds = [os.eventfd(0, os.EFD_CLOEXEC) for _ in range(vectors)]

    def close(self):
        self.conn.close()
        for fd in self.eventfds:
            os.close(fd)
        self.eventfds = []


class Server:
    def __init__(self, socket_path, shm_path, size, vectors, first_id=0):
        self.socket_path = socket_path
        self.vectors = vectors
        self.counter_path = shm_path + '.next-id'
        self.next_id = max(first_id, self._stored_next_id())
        self.shm_fd = self._open_shm(shm_path, size)
        self.peers = {}  # socket file descriptor: Peer
        self.listener = self._listen(socket_path)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)

    @staticmethod
    def _open_shm(path, size):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        # Grown when smaller (a new file is empty), never shrunk or zeroed.
        if os.fstat(fd).st_size < size:
            os.ftruncate(fd, size)
        return fd

    def _stored_next_id(self):
        try:
            with open(self.counter_path) as f:
                return int(f.read().strip() or 0)
        except FileNotFoundError:
            return 0

    def _store_next_id(self):
        tmp = self.counter_path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(f'{self.next_id}\n')
        os.replace(tmp, self.counter_path)

    @staticmethod
    def _listen(path):
        # Bound and listening under a temporary name, then renamed: whoever
        # waits for PATH to appear can connect at once.
        tmp = f'{path}.{os.getpid()}.tmp'
        for name in (tmp, path):
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(tmp)
        listener.listen(16)
        os.rename(tmp, path)
        return listener

    @staticmethod
    def _send(conn, value, fd=None):
        data = [struct.pack('<q', value)]
        if fd is None:
            conn.sendall(data[0])
        else:
            socket.send_fds(conn, data, [fd])

    def _accept(self):
        conn, _ = self.listener.accept()
        # A peer that stops reading (a hung QEMU) is dropped, not waited for.
        conn.settimeout(10)
        if self.next_id > MAX_PEER_ID:
            log('no peer id left: connection refused')
            conn.close()
            return
        peer = Peer(self.next_id, conn, self.vectors)
        self.next_id += 1
        self._store_next_id()
        try:
            self._send(conn, PROTOCOL_VERSION)
            self._send(conn, peer.id)
            self._send(conn, -1, self.shm_fd)
            for other in self.peers.values():
                for fd in other.eventfds:
                    self._send(conn, other.id, fd)
        except OSError as e:
            log(f'peer {peer.id}: setup failed: {e}')
            peer.close()
            return
        for other in list(self.peers.values()):
            try:
                for fd in peer.eventfds:
                    self._send(other.conn, peer.id, fd)
            except OSError as e:
                log(f'peer {other.id}: cannot tell it of peer {peer.id}: {e}')
                self._drop(other)
        try:
            for fd in peer.eventfds:
                self._send(conn, peer.id, fd)
        except OSError as e:
            log(f'peer {peer.id}: setup failed: {e}')
            peer.close()
            self._tell_gone(peer.id)
            return
        self.peers[conn.fileno()] = peer
        self.selector.register(conn, selectors.EVENT_READ)
        log(f'peer {peer.id} connected ({len(self.peers)} connected)')

    def _tell_gone(self, peer_id):
        for other in list(self.peers.values()):
            try:
                self._send(other.conn, peer_id)
            except OSError as e:
                log(f'peer {other.id}: cannot tell it peer {peer_id} left: {e}')
                self._drop(other)

    def _drop(self, peer):
        if self.peers.pop(peer.conn.fileno(), None) is None:
            return
        self.selector.unregister(peer.conn)
        peer.close()
        log(f'peer {peer.id} disconnected ({len(self.peers)} connected)')
        self._tell_gone(peer.id)

    def _readable(self, conn):
        peer = self.peers.get(conn.fileno())
        try:
            data = conn.recv(4096)
        except OSError:
            data = b''
        # Peers send nothing: anything but the end of the stream is ignored.
        if not data and peer is not None:
            self._drop(peer)

    def serve(self, stop_fd):
        """Serve until STOP_FD is readable."""
        self.selector.register(stop_fd, selectors.EVENT_READ)
        log(f'serving {self.socket_path}, {self.vectors} vectors, next peer id {self.next_id}')
        while True:
            for key, _ in self.selector.select():
                if key.fileobj == stop_fd:
                    return
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    self._readable(key.fileobj)

    def close(self):
        self.selector.close()
        self.listener.close()
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass
        for peer in self.peers.values():
            peer.close()
        self.peers = {}
        os.close(self.shm_fd)


def power_of_two(text):
    value = int(text, 0)
    if value <= 0 or value & (value - 1):
        raise argparse.ArgumentTypeError(f'{text} is not a power of two')
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--socket', required=True, help='the UNIX socket to serve')
    parser.add_argument('--shm', required=True, help='the shared memory file')
    parser.add_argument('--size', type=power_of_two, default=1 << 20,
                        help='bytes of shared memory (default 1 MiB)')
    parser.add_argument('--vectors', type=int, default=2, choices=range(1, 65),
                        metavar='N', help='interrupt vectors per peer (default 2)')
    parser.add_argument('--first-id', type=int, default=0,
                        help='the lowest peer id to hand out (default: above any used before)')
    args = parser.parse_args()

    stop_r, stop_w = os.pipe()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: os.write(stop_w, b'x'))
    server = Server(args.socket, args.shm, args.size, args.vectors, args.first_id)
    try:
        server.serve(stop_r)
    finally:
        server.close()
    log('stopped')


if __name__ == '__main__':
    main()
