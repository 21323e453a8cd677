#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The closing count of a log of TAP 13 streams, nested or not.

usage: tap-summary.py LOG

A stream begins with "TAP version 13" (or, without one, with its plan),
has a plan "1..N" before or after its results, and then exactly N results.
Subtests are streams whose lines carry one more "# " than their parent's,
printed before the parent's result, as kselftest's runner nests a test's
own TAP under its "ok N selftests: ..." line.

Every result counts, at every depth: a test program's own verdict (its exit
status, as the runner reports it) as well as each of its results.  A stream
without a plan, or whose plan its results do not match, counts as a
failure, as does "Bail out!".  Lines that are not TAP (build output,
diagnostics, a kernel log) are ignored.

Prints "N passed, N failed, N skipped", each skipped and failed test by
name, and exits 1 when anything failed or nothing ran.
"""
import re
import sys

# kselftest_harness.h's "#  RUN  fixture.variant.test ..." before a result
# that, when skipped, does not repeat the test's name.
RUN = re.compile(r'^((?:# )*)#\s+RUN\s+(\S+)')
LINE = re.compile(r'^((?:# )*)(TAP version \d+|1\.\.\d+.*|ok\b.*|not ok\b.*|Bail out!.*)$')
RESULT = re.compile(r'^(not )?ok\b\s*(\d+)?\s*-?\s*(.*)$')


class Stream:
    def __init__(self, where):
        self.where = where
        self.plan = None
        self.results = 0
        self.failed = 0  # failures inside, subtests included
        self.child = None  # the open subtest stream, before its parent's result


class Summary:
    def __init__(self):
        self.passed = 0
        self.skipped = []
        self.failed = []
        self.streams = []  # open streams, index = depth
        self.running = {}  # depth: the test the harness said it runs

    def fail(self, what):
        self.failed.append(what)

    def close(self, depth):
        """Close the streams at depth and deeper; return the failures inside."""
        inside = 0
        while len(self.streams) > depth:
            stream = self.streams.pop()
            if stream is None:
                continue
            if stream.plan is None:
                self.fail(f'{stream.where}: a stream without a plan ({stream.results} results)')
                stream.failed += 1
            elif stream.plan != stream.results:
                self.fail(f'{stream.where}: planned {stream.plan}, {stream.results} results')
                stream.failed += 1
            inside += stream.failed
        return inside

    def stream_at(self, depth, where):
        while len(self.streams) <= depth:
            self.streams.append(None)
        if self.streams[depth] is None:
            self.streams[depth] = Stream(where)
        return self.streams[depth]

    def line(self, number, depth, text, where):
        if text.startswith('TAP version'):
            self.close(depth)
            self.stream_at(depth, where)
            self.running.pop(depth, None)
            return
        if text.startswith('Bail out!'):
            self.fail(f'{where}: {text}')
            return
        if text.startswith('1..'):
            plan = int(re.match(r'1\.\.(\d+)', text).group(1))
            stream = self.stream_at(depth, where)
            if stream.plan is not None:
                # A second plan begins a new stream without a version line.
                self.close(depth)
                stream = self.stream_at(depth, where)
            stream.plan = plan
            if plan == 0 and '# SKIP' in text:
                self.skipped.append(f'{where}: {text}')
            return
        match = RESULT.match(text)
        ok, description = match.group(1) is None, match.group(3)
        stream = self.stream_at(depth, where)
        stream.results += 1
        # A result closes the subtest streams printed before it.
        stream.failed += self.close(depth + 1)
        skip = re.search(r'#\s*SKIP', description, re.IGNORECASE)
        # The name the harness gave this result, if it gave one.
        running = self.running.pop(depth, '')
        if not ok and not re.search(r'#\s*TODO', description, re.IGNORECASE):
            self.fail(f'{where}: {text}')
            stream.failed += 1
        elif skip:
            name = running if description.startswith('#') else ''
            self.skipped.append(f'{where}: {name}{" " if name else ""}{description}')
        else:
            self.passed += 1


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    summary = Summary()
    with open(sys.argv[1], errors='replace') as log:
        for number, raw in enumerate(log, 1):
            run = RUN.match(raw)
            if run:
                summary.running[len(run.group(1)) // 2] = run.group(2)
            match = LINE.match(raw.rstrip('\n'))
            if match:
                depth = len(match.group(1)) // 2
                summary.line(number, depth, match.group(2), f'line {number}')
    summary.close(0)
    for what in summary.skipped:
        print(f'# skipped: {what}')
    for what in summary.failed:
        print(f'# failed: {what}')
    print(f'{summary.passed} passed, {len(summary.failed)} failed, {len(summary.skipped)} skipped')
    sys.exit(0 if summary.passed and not summary.failed else 1)


if __name__ == '__main__':
    main()
