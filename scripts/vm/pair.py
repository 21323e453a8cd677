#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The hub of a two-VM job (vm.sh pair): an ivshmem server, the peer VM, and
a line protocol on the main VM's second serial port that drives both.

usage: pair.py --ctl PATH --peer-ctl PATH --peer-monitor PATH --ivshmem PATH
               --shm PATH --peer-log PATH --ready PATH [options] -- PEER-QEMU...

vm.sh starts it before the main VM and hands it the peer's QEMU command
line.  It listens on every UNIX socket that the two QEMUs connect to as
clients (their ctl serial ports and the peer's QMP monitor), runs
ivshmem-server.py beside this file on --ivshmem and --shm, boots the peer
(its console, less carriage returns, appended to --peer-log after a line
"----- cxipi-pair: peer boot N -----"), and writes --ready.

The main VM writes one command a line to its /dev/ttyS1; each answer is
the command's output lines, then "cxipi-ctl: rc N":
  ping              rc 0: the hub is there
  peer CMD...       CMD with sh in the peer VM, through the command loop of
                    its job (jobs/peer.sh on its /dev/ttyS1), once that loop
                    is ready; its stdout and stderr, and its exit status
  peer-wait         until the peer's command loop is ready (after a boot)
  peer-stop         freeze the peer VM (QMP stop); peer-cont thaws it
  peer-status       the peer VM's run state (QMP query-status): running,
                    paused, ...; "down" when its QEMU is not running
  peer-kill         kill the peer's QEMU, as a crash would
  peer-boot         boot the peer again (a new ivshmem peer id)
  peer-reboot       both
  server-restart    stop the ivshmem server, start it on the same memory
Failures of the hub itself are rc 124 (a time limit) or 125.

At the end (SIGTERM, or the main VM closing its port when its QEMU exits)
the peer is thawed and told `exit`, so that its job ends and its VM powers
off; the hub waits for that, kills what is left, stops the server and
exits 0 only when the peer ended on its own.  Every wait has a time limit,
and the children die with the hub.
"""
import argparse
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ivshmem-server.py')
READY = 'cxipi-peer: ready'
PEER_RC = 'cxipi-peer: rc '
RC_TIMEOUT = 124
RC_HUB = 125


def log(*words):
    # One write a line: the ivshmem server writes to the same log.
    sys.stderr.write(' '.join([time.strftime('%H:%M:%S'), 'pair:', *map(str, words)]) + '\n')
    sys.stderr.flush()


def die_with_hub():
    """In a child before exec: SIGKILL when the hub dies (PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)


# SIGTERM and SIGINT go to the main thread only: a signal that another
# thread takes would run Python's handler only once the main thread next
# runs Python code, which it does not while it waits in accept() or recv().
SIGNALS = {signal.SIGTERM, signal.SIGINT}


def spawn(target, *args):
    """TARGET(*ARGS) in a daemon thread that has SIGNALS blocked."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        threading.Thread(target=target, args=args, daemon=True).start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


class Finish(Exception):
    """SIGTERM or SIGINT: wind down."""


class LineConn:
    """A stream socket read and written as text lines."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = b''

    def readline(self, timeout=None):
        """The next line without its end, None at the end of the stream;
        TimeoutError after TIMEOUT seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b'\n' not in self.buf:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.conn.settimeout(left)
            else:
                self.conn.settimeout(None)
            try:
                data = self.conn.recv(4096)
            except socket.timeout:
                raise TimeoutError from None
            except OSError:
                data = b''
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode(errors='replace').rstrip('\r')

    def write(self, text):
        self.conn.settimeout(30)
        self.conn.sendall(text.encode() + b'\n')


def listen(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(4)
    return listener


def accept_loop(listener, attach):
    """ATTACH each connection to LISTENER, until it is closed."""
    def loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            attach(conn)
    spawn(loop)


class ServerProcess:
    """ivshmem-server.py as a child: stopped, it closes every connection."""

    def __init__(self, args):
        self.args = args
        self.proc = None

    def start(self):
        path = self.args.ivshmem
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, '--socket', path, '--shm', self.args.shm,
             '--size', str(self.args.size), '--vectors', str(self.args.vectors)],
            stdin=subprocess.DEVNULL, preexec_fn=die_with_hub)
        deadline = time.monotonic() + 10
        while not os.path.exists(path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('the ivshmem server did not come up')
            time.sleep(0.05)
        log(f'ivshmem server up (pid {self.proc.pid})')

    def stop(self):
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        log(f'ivshmem server stopped (status {self.proc.returncode})')
        self.proc = None


class PeerVM:
    """The peer's QEMU, its console appended to the log, one boot at a time."""

    def __init__(self, argv, log_path):
        self.argv = argv
        self.log_path = log_path
        self.proc = None
        self.copier = None
        self.boots = 0

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def launch(self):
        self.boots += 1
        boot = self.boots
        logf = open(self.log_path, 'ab')
        logf.write(f'----- cxipi-pair: peer boot {boot} -----\n'.encode())
        logf.flush()
        proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, preexec_fn=die_with_hub)

        def copy():
            fd = proc.stdout.fileno()
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                logf.write(data.replace(b'\r', b''))
                logf.flush()
            status = proc.wait()
            logf.write(f'----- cxipi-pair: peer boot {boot} ended, status {status} -----\n'.encode())
            logf.close()
            log(f'peer boot {boot} ended, status {status}')

        self.proc = proc
        self.copier = threading.Thread(target=copy, daemon=True)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            self.copier.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        log(f'peer boot {boot}: QEMU pid {proc.pid}')

    def wait(self, timeout):
        """Whether the peer's QEMU ended within TIMEOUT seconds."""
        if self.proc is None:
            return True
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self.copier.join(10)
        return True

    def kill(self):
        if self.alive():
            self.proc.kill()
            log(f'peer boot {self.boots} killed')
        self.wait(30)


class PeerLink:
    """The peer's command loop, at the other end of its /dev/ttyS1."""

    def __init__(self):
        self.cond = threading.Condition()
        self.conn = None
        self.generation = 0
        self.ready = False
        self.busy = False
        self.lines = []

    def attach(self, conn):
        with self.cond:
            self._drop()
            self.conn = conn
            generation = self.generation
        spawn(self._read, conn, generation)

    def detach(self):
        with self.cond:
            self._drop()

    def _drop(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.generation += 1
        self.ready = False
        self.cond.notify_all()

    def _read(self, conn, generation):
        lines = LineConn(conn)
        while True:
            line = lines.readline()
            with self.cond:
                if generation != self.generation:
                    return
                if line is None:
                    self._drop()
                    return
                if line == READY:
                    self.ready = True
                elif self.busy:
                    self.lines.append(line)
                elif line.startswith(PEER_RC):
                    # The end of a command that timed out: in step again.
                    self.ready = True
                self.cond.notify_all()

    def wait_ready(self, timeout, alive):
        """Whether the loop is ready within TIMEOUT s; False at once when
        ALIVE() says that the peer's QEMU has gone."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.ready:
                left = deadline - time.monotonic()
                if left <= 0 or not alive():
                    return False
                self.cond.wait(min(left, 1))
            return True

    def run(self, command, timeout, out):
        """COMMAND in the peer, its lines to OUT; its exit status."""
        with self.cond:
            if not self.ready:
                out('cxipi-ctl: the peer is not ready')
                return RC_HUB
            conn, generation = self.conn, self.generation
            self.lines = []
            self.busy = True
        try:
            LineConn(conn).write(command)
            deadline = time.monotonic() + timeout
            while True:
                with self.cond:
                    self.cond.wait_for(lambda: self.lines or generation != self.generation,
                                       max(0, deadline - time.monotonic()))
                    lines, self.lines = self.lines, []
                    gone = generation != self.generation
                    if not lines and not gone and time.monotonic() >= deadline:
                        # Out of step until its rc line comes.
                        self.ready = False
                        out(f'cxipi-ctl: the peer did not finish within {timeout} s')
                        return RC_TIMEOUT
                for line in lines:
                    if line.startswith(PEER_RC):
                        return int(line[len(PEER_RC):])
                    out(line)
                if gone and not lines:
                    out('cxipi-ctl: the peer went away')
                    return RC_HUB
        finally:
            with self.cond:
                self.busy = False

    def send(self, command):
        with self.cond:
            conn = self.conn
        LineConn(conn).write(command)


class Monitor:
    """The peer's QMP monitor, a new connection each boot."""

    def __init__(self):
        self.cond = threading.Condition()
        self.conn = None

    def attach(self, conn):
        with self.cond:
            if self.conn is not None:
                self.conn.conn.close()
            self.conn = LineConn(conn)
            self.fresh = True
            self.cond.notify_all()

    def forget(self):
        with self.cond:
            if self.conn is not None:
                self.conn.conn.close()
            self.conn = None

    def _reply(self, conn):
        while True:
            line = conn.readline(10)
            if line is None:
                raise RuntimeError('the monitor closed')
            reply = json.loads(line)
            if 'return' in reply:
                return reply['return']
            if 'error' in reply:
                raise RuntimeError(f'QMP: {reply["error"].get("desc")}')
            # Greeting and events.

    def execute(self, command):
        with self.cond:
            if not self.cond.wait_for(lambda: self.conn is not None, 10):
                raise RuntimeError('no monitor connection from the peer')
            conn = self.conn
            if self.fresh:
                greeting = json.loads(conn.readline(10) or '{}')
                if 'QMP' not in greeting:
                    raise RuntimeError(f'not a QMP greeting: {greeting}')
                conn.write(json.dumps({'execute': 'qmp_capabilities'}))
                self._reply(conn)
                self.fresh = False
            conn.write(json.dumps({'execute': command}))
            return self._reply(conn)


class Hub:
    def __init__(self, args):
        self.args = args
        self.server = ServerProcess(args)
        self.vm = PeerVM(args.peer_argv, args.peer_log)
        self.link = PeerLink()
        self.monitor = Monitor()
        self.listeners = []

    def start(self):
        self.main_listener = listen(self.args.ctl)
        peer_ctl = listen(self.args.peer_ctl)
        monitor = listen(self.args.peer_monitor)
        self.listeners = [self.main_listener, peer_ctl, monitor]
        accept_loop(peer_ctl, self.link.attach)
        accept_loop(monitor, self.monitor.attach)
        self.server.start()
        self.boot()

    def boot(self):
        self.link.detach()
        self.monitor.forget()
        self.vm.launch()

    def kill(self):
        self.vm.kill()
        self.link.detach()
        self.monitor.forget()

    def wait_ready(self):
        return self.link.wait_ready(self.args.ready_timeout, self.vm.alive)

    def command(self, line, out):
        word, _, rest = line.partition(' ')
        rest = rest.strip()
        if word == 'ping':
            return 0
        if word == 'peer' and rest:
            if not self.wait_ready():
                out(f'cxipi-ctl: the peer is not ready (not up, or not within {self.args.ready_timeout} s)')
                return RC_TIMEOUT
            return self.link.run(rest, self.args.command_timeout, out)
        if word == 'peer-wait':
            if self.wait_ready():
                return 0
            out(f'cxipi-ctl: the peer is not ready (not up, or not within {self.args.ready_timeout} s)')
            return RC_TIMEOUT
        if word == 'peer-stop':
            self.monitor.execute('stop')
            return 0
        if word == 'peer-cont':
            self.monitor.execute('cont')
            return 0
        if word == 'peer-status':
            out(self.monitor.execute('query-status')['status'] if self.vm.alive() else 'down')
            return 0
        if word == 'peer-kill':
            self.kill()
            return 0
        if word in ('peer-boot', 'peer-reboot'):
            if word == 'peer-reboot':
                self.kill()
            elif self.vm.alive():
                out('cxipi-ctl: the peer is running: peer-kill or peer-reboot')
                return RC_HUB
            self.boot()
            return 0
        if word == 'server-restart':
            self.server.stop()
            self.server.start()
            return 0
        out(f'cxipi-ctl: no command "{line}" (ping, peer CMD, peer-wait, peer-stop, '
            'peer-cont, peer-status, peer-kill, peer-boot, peer-reboot, server-restart)')
        return RC_HUB

    def serve(self):
        """The main VM's commands, until it closes its port."""
        conn, _ = self.main_listener.accept()
        log('main VM connected')
        lines = LineConn(conn)
        while True:
            line = lines.readline()
            if line is None:
                log('main VM closed its port')
                return
            line = line.strip()
            if not line:
                continue
            log(f'command: {line}')
            try:
                rc = self.command(line, lines.write)
            except (OSError, RuntimeError, ValueError) as e:
                lines.write(f'cxipi-ctl: {e}')
                rc = RC_HUB
            lines.write(f'cxipi-ctl: rc {rc}')
            log(f'command: {line}: rc {rc}')

    def finish(self):
        """Tell the peer to exit, wait for it; stop everything."""
        clean = False
        if self.vm.alive():
            try:
                self.monitor.execute('cont')
            except (OSError, RuntimeError, ValueError) as e:
                log(f'cannot thaw the peer: {e}')
            if self.link.wait_ready(self.args.finish_timeout, self.vm.alive):
                log('asking the peer to exit')
                try:
                    self.link.send('exit')
                    clean = self.vm.wait(self.args.exit_timeout)
                except OSError as e:
                    log(f'cannot ask the peer to exit: {e}')
                if not clean:
                    log(f'the peer did not power off within {self.args.exit_timeout} s')
            else:
                log(f'the peer was not ready within {self.args.finish_timeout} s')
        else:
            log('the peer was not running at the end')
        self.kill()
        self.server.stop()
        for listener in self.listeners:
            listener.close()
        for path in (self.args.ctl, self.args.peer_ctl, self.args.peer_monitor):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        return 0 if clean else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ctl', required=True, help="socket of the main VM's ttyS1")
    parser.add_argument('--peer-ctl', required=True, help="socket of the peer's ttyS1")
    parser.add_argument('--peer-monitor', required=True, help="socket of the peer's QMP")
    parser.add_argument('--ivshmem', required=True, help="the ivshmem server's socket")
    parser.add_argument('--shm', required=True, help='the shared memory file')
    parser.add_argument('--size', type=int, default=1 << 20)
    parser.add_argument('--vectors', type=int, default=2)
    parser.add_argument('--peer-log', required=True, help="the peer's console, appended")
    parser.add_argument('--ready', required=True, help='a file written once all is up')
    parser.add_argument('--ready-timeout', type=float, default=300,
                        help="seconds a command waits for the peer's loop")
    parser.add_argument('--command-timeout', type=float, default=300,
                        help='seconds a peer command may run')
    parser.add_argument('--finish-timeout', type=float, default=240,
                        help="seconds the end waits for the peer's loop")
    parser.add_argument('--exit-timeout', type=float, default=120,
                        help='seconds the peer may take to power off after exit')
    parser.add_argument('peer_argv', nargs='+', metavar='PEER-QEMU')
    args = parser.parse_args()

    def finish(*_):
        raise Finish
    for sig in SIGNALS:
        signal.signal(sig, finish)
    hub = Hub(args)
    rc = 1
    try:
        try:
            hub.start()
            with open(args.ready, 'w') as f:
                f.write(f'{os.getpid()}\n')
            hub.serve()
        except Finish:
            log('told to finish')
        except (OSError, RuntimeError) as e:
            log(f'failed: {e}')
        finally:
            for sig in SIGNALS:
                signal.signal(sig, signal.SIG_IGN)
            rc = hub.finish()
    except Finish:
        pass
    log(f'done, exit {rc}')
    sys.exit(rc)


if __name__ == '__main__':
    main()
