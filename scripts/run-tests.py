#!/usr/bin/env python3
"""Run meson test suites in one or more build directories and sum them.

Usage: run-tests.py BUILDDIR:SUITE [BUILDDIR:SUITE ...]   (SUITE 'all' = every suite)

Every test speaks TAP, so the totals count test cases, not programs: a
program that crashes before finishing counts as one failure on top of the
cases it reported. The last line is 'N passed, N failed, N skipped', which
CI reads. Exit status is 1 if anything failed.
"""
import json
import os
import re
import subprocess
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b[^#]*(#\s*(SKIP|TODO)\b.*)?', re.I)


def count_tap(text):
    passed = failed = skipped = 0
    for line in (text or '').splitlines():
        m = TAP_LINE.match(line.strip())
        if not m:
            continue
        directive = (m.group(3) or '').upper()
        if directive == 'SKIP':
            skipped += 1
        elif m.group(1).lower() == 'ok' or directive == 'TODO':
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def run(builddir, suite):
    cmd = ['meson', 'test', '-C', builddir, '--print-errorlogs',
           '--num-processes', str(os.cpu_count() or 2)]
    if suite != 'all':
        cmd += ['--suite', suite]
    print('==>', ' '.join(cmd), flush=True)
    subprocess.run(cmd, check=False)
    log = os.path.join(builddir, 'meson-logs', 'testlog.json')
    totals = [0, 0, 0]
    if not os.path.exists(log):
        print(f'run-tests: no test log in {builddir}', file=sys.stderr)
        return [0, 1, 0]
    with open(log) as f:
        for line in f:
            entry = json.loads(line)
            result = entry.get('result', '')
            p, fl, s = count_tap(entry.get('stdout', ''))
            if result == 'SKIP' and p + fl + s == 0:
                s = 1
            elif result in ('FAIL', 'TIMEOUT', 'ERROR') and fl == 0:
                fl = 1          # crashed or timed out outside any case
            elif p + fl + s == 0:
                p = 1 if result in ('OK', 'EXPECTEDFAIL') else 0
                fl = 0 if p else 1
            totals[0] += p
            totals[1] += fl
            totals[2] += s
            if result not in ('OK', 'SKIP', 'EXPECTEDFAIL'):
                print(f'  {builddir}: {entry.get("name")}: {result}')
    print(f'--> {builddir} ({suite}): {totals[0]} passed, {totals[1]} failed, '
          f'{totals[2]} skipped', flush=True)
    return totals


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    grand = [0, 0, 0]
    for spec in argv[1:]:
        builddir, _, suite = spec.partition(':')
        t = run(builddir, suite or 'all')
        grand = [a + b for a, b in zip(grand, t)]
    print(f'{grand[0]} passed, {grand[1]} failed, {grand[2]} skipped')
    return 1 if grand[1] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
