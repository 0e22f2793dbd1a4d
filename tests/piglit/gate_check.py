#!/usr/bin/env python3
"""Compare a gate run's piglit results with the checked-in expectations.

Usage: gate_check.py [--update] [--native] [--strict] LIST NATIVE EXPECTED RESULTS_DIR...

LIST      tests/piglit/gate.list (`# category: NAME` lines head each section)
NATIVE    tests/piglit/native.txt: `test<TAB>status` of every listed test that
          does not pass on native llvmpipe (a missing test passes natively)
EXPECTED  tests/piglit/expected-failures.txt: `test<TAB>status<TAB>reason` of
          the native passes that do not pass through sgl-host; status `flaky`
          marks a test seen both passing and not: reported, never gated
RESULTS_DIR  piglit result folders of this run (one per pass: glx, egl)

A test is gated when it passes natively and is not flaky: it must end with
the status EXPECTED gives it (pass when absent). A gated test that ends
otherwise is a regression (exit 1); a test EXPECTED lists that now passes is
reported "fixed: remove from expectations" (a failure with --strict).
Tests that do not pass natively are reported in counts only: they are not
our failures. The last line is `N passed, N failed`: the gated tests that
passed, and the regressions.

--update rewrites EXPECTED from this run (the gated tests that did not pass,
keeping the reasons and flaky entries already written); with --native it
rewrites NATIVE instead, from a run without sgl-host.
"""
import argparse
import bz2
import collections
import glob
import gzip
import json
import os
import re
import sys


def read_list(path):
    cats, cat = {}, "uncategorised"
    with open(path) as f:
        for line in f:
            m = re.match(r"#\s*category:\s*(\S+)", line)
            if m:
                cat = m.group(1)
                continue
            name = line.split("#")[0].strip()
            if name:
                cats[name] = cat
    return cats


def read_table(path, width):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            rows[parts[0]] = (parts[1:] + [""] * width)[:width]
    return rows


def read_results(rdir):
    """name -> test dict; a run cut short has no results.json, only the
    per-test files piglit writes as it goes."""
    tests = {}
    final = sorted(glob.glob(os.path.join(rdir, "results.json*")))
    if final:
        f = final[0]
        op = bz2.open if f.endswith(".bz2") else gzip.open if f.endswith(".gz") else open
        with op(f, "rt") as fh:
            return json.load(fh)["tests"]
    for f in glob.glob(os.path.join(rdir, "tests", "*.json")):
        try:
            with open(f) as fh:
                tests.update(json.load(fh))
        except (OSError, ValueError):
            pass  # the test piglit was writing when it was stopped
    return tests


def reason_of(t):
    """A one-line hint from the test's output, for new expectation entries."""
    lines = [l.strip() for l in ((t.get("out") or "") + "\n" + (t.get("err") or "")).splitlines()]
    for pattern in (r"requires|not supported|not available|does not support",
                    r"unexpected|expected|probe|fail|error|abort|segm|lost"):
        for line in lines:
            if re.search(pattern, line, re.I) and not line.startswith("(Error at"):
                return line[:100].replace("\t", " ")
    return t.get("result", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--native", action="store_true")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--also-failed", action="append", default=[], metavar="WHAT",
                    help="a failure found outside piglit's results (sgl-host died)")
    ap.add_argument("--hint", default="", help="printed when the gate fails")
    ap.add_argument("list")
    ap.add_argument("native_file")
    ap.add_argument("expected_file")
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()

    cats = read_list(a.list)
    native = {k: v[0] for k, v in read_table(a.native_file, 1).items()}
    expected = read_table(a.expected_file, 2)
    results = {}
    for rdir in a.results:
        results.update(read_results(rdir))
    status = {n: results[n]["result"] if n in results else "missing" for n in cats}

    percat = collections.defaultdict(collections.Counter)
    for n, cat in cats.items():
        percat[cat][status[n]] += 1
    print("per category (this run):")
    for cat in sorted(percat):
        c = percat[cat]
        print(f"  {cat:10} {sum(c.values()):4} tests: " +
              ", ".join(f"{k} {v}" for k, v in sorted(c.items())))

    if a.native:
        return native_mode(a, cats, status, native)

    regressions, fixed, flaky, known, gated_pass = [], [], [], [], 0
    native_nonpass = collections.Counter()
    for n in sorted(cats):
        st = status[n]
        if native.get(n, "pass") != "pass":
            native_nonpass[native[n]] += 1
            continue
        exp, reason = expected.get(n, ("pass", ""))
        if exp == "flaky":
            flaky.append((n, st, reason))
        elif st == exp:
            gated_pass += st == "pass"
            if exp != "pass":
                known.append(n)
        elif st == "pass":
            gated_pass += 1
            fixed.append((n, exp))
        else:
            regressions.append((n, exp, st, results.get(n, {})))
    gated = len(cats) - sum(native_nonpass.values()) - len(flaky)
    print(f"tests: {len(cats)}; not passing natively (not gated): "
          f"{sum(native_nonpass.values())} {dict(native_nonpass)}; flaky (not gated): {len(flaky)}")
    print(f"gated: {gated}; passed {gated_pass}; expected failures still failing: {len(known)}")
    for n, st, reason in flaky:
        print(f"flaky (not gated): {n}: {st} ({reason})")
    for n, exp in fixed:
        print(f"fixed: remove from expectations: {n} (listed {exp}, now passes)")
    for n, exp, st, t in regressions:
        print(f"REGRESSION: {n}: expected {exp}, got {st}")
        if t:
            print(f"    {reason_of(t)}")

    # piglit asks wflinfo once per API for the versions it skips shader tests
    # by; when that call failed, every such test skipped without running.
    unprobed = collections.Counter()
    for n in cats:
        m = re.search(r"requires OpenGL (\S+) .*but only 0\.0 is available",
                      results.get(n, {}).get("out") or "")
        if m:
            unprobed[m.group(1)] += 1
    for api, count in sorted(unprobed.items()):
        a.also_failed.append(f"piglit's wflinfo call for {api} failed during the run: "
                             f"{count} tests skipped without running")
    for what in a.also_failed:
        print(f"FAILED: {what}")
    if a.update and unprobed:
        print("not updating the expectations from a run whose wflinfo calls failed")
    elif a.update:
        write_expected(a.expected_file, cats, status, native, expected, results)
    failed = len(regressions) + (len(fixed) if a.strict else 0) + len(a.also_failed)
    if failed and not a.update and a.hint:
        print(a.hint)
    print(f"{gated_pass} passed, {failed} failed")
    return 1 if failed else 0


def native_mode(a, cats, status, native):
    changed = [(n, native.get(n, "pass"), status[n]) for n in sorted(cats)
               if status[n] != native.get(n, "pass")]
    for n, was, now in changed:
        print(f"native differs from {os.path.basename(a.native_file)}: {n}: {was} -> {now}")
    npass = sum(s == "pass" for s in status.values())
    print(f"native: {npass} of {len(cats)} pass, {len(changed)} differ from the baseline")
    if a.update:
        with open(a.native_file, "w") as f:
            f.write("# Native llvmpipe (no sgl-host) on gate.list: every test that does not\n"
                    "# pass natively, with its status. Regenerate: tests/piglit/gate.sh "
                    "--native --update\n")
            for n in sorted(cats):
                if status[n] != "pass":
                    f.write(f"{n}\t{status[n]}\n")
        print(f"wrote {a.native_file}")
        return 0
    return 1 if changed else 0


def write_expected(path, cats, status, native, expected, results):
    head = []
    if os.path.exists(path):
        with open(path) as f:
            # The leading comment block is kept; the entries are rewritten.
            for line in f:
                if not line.startswith("#"):
                    break
                head.append(line)
    rows = []
    for n in sorted(cats):
        if native.get(n, "pass") != "pass":
            continue
        exp, reason = expected.get(n, ("pass", ""))
        if exp == "flaky":
            rows.append((n, "flaky", reason))
        elif status[n] != "pass":
            if not reason or exp != status[n]:
                reason = reason or reason_of(results.get(n, {}))
            rows.append((n, status[n], reason))
    with open(path, "w") as f:
        f.writelines(head)
        for n, st, reason in rows:
            f.write(f"{n}\t{st}\t{reason}\n")
    print(f"wrote {path}: {len(rows)} entries")


if __name__ == "__main__":
    sys.exit(main())
