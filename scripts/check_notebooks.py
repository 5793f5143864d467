#!/usr/bin/python3
"""Executes notebooks headless on the "java" kernel and checks them; one notebook is one test.

    check_notebooks.py [--out DIR] [--root DIR] [--max-rss-mb N] NOTEBOOK...

For each notebook (in the order given) it starts the kernel (again when it does not answer within
--startup-timeout: rapaio-jupyter-kernel 3.0.1 sometimes never answers at start-up), runs every code
cell, stops at the first cell error and then checks the expected outputs that cells declare in their
metadata (docs/notebooks.md), and that no output shows an object's default toString ("pkg.Class@1a2b3c"):

    "alexnet": {"expect": "table" | "figure" | "image" | "text:REGEX" | [several of these]}

It writes the executed notebook, its HTML (nbconvert) and results.json to --out (keeping the notebook's
path below --root, e.g. solutions/01-x-solutions.ipynb), prints one line per notebook (time, peak
resident memory of the kernel process, expected outputs found) with the error of a failing notebook,
and ends with "N passed, N failed, N skipped". Exit status 1 when a notebook failed.
Uses Debian's Jupyter (run it with /usr/bin/python3); the kernel gets this process's environment,
so ALEXNET_MODE=smoke selects the notebooks' smoke sizes.
"""
import argparse
import asyncio
import atexit
import base64
import json
import os
import re
import struct
import sys
import time
import zlib
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Messages of a kernel that never answered at start-up (retried), as jupyter_client/nbclient word them.
STARTUP_HANG = ("Kernel didn't respond in", "Kernel died before replying to kernel_info")


# ---- expected outputs ---------------------------------------------------------------------------

def expectations(cell):
    """The cell's expected-output kinds as a list of strings (empty when it declares none)."""
    meta = cell.get("metadata", {}).get("alexnet", {})
    expect = meta.get("expect") if isinstance(meta, dict) else None
    if expect is None:
        return []
    return list(expect) if isinstance(expect, list) else [expect]


def html_outputs(cell):
    for out in cell.get("outputs", []):
        html = out.get("data", {}).get("text/html")
        if html is not None:
            yield html if isinstance(html, str) else "".join(html)


def stdout_text(cell):
    return "".join(
        o["text"] if isinstance(o["text"], str) else "".join(o["text"])
        for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stdout")


def png_problem(data):
    """None when `data` (base64) is a PNG whose pixel data inflates to the size its header promises."""
    try:
        raw = base64.b64decode(data if isinstance(data, str) else "".join(data))
    except ValueError as e:
        return f"not base64 ({e})"
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    pos, idat, header = 8, b"", None
    while pos + 8 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        return "PNG without header or pixel data"
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None or width == 0 or height == 0:
        return f"PNG with colour type {colour}, {width}x{height}"
    try:
        pixels = zlib.decompress(idat)
    except zlib.error as e:
        return f"PNG pixel data does not inflate ({e})"
    expected = height * (1 + (width * channels * depth + 7) // 8)
    if interlace == 0 and len(pixels) != expected:
        return f"PNG pixel data is {len(pixels)} bytes, {width}x{height} needs {expected}"
    return None


def check_expectations(cell):
    """(number of expectations, list of problems) for one executed cell."""
    kinds = expectations(cell)
    problems = []
    for kind in kinds:
        if not isinstance(kind, str):
            problems.append(f"expect entry {kind!r} is not a string")
        elif kind == "table":
            if not any("<table" in h for h in html_outputs(cell)):
                problems.append("expected a table (text/html with <table), found none")
        elif kind == "figure":
            if not any("Plotly.newPlot" in h for h in html_outputs(cell)):
                problems.append("expected a figure (text/html with Plotly.newPlot), found none")
        elif kind == "image":
            pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            if not pngs:
                problems.append("expected an image (image/png), found none")
            problems += [f"image/png output does not decode: {p}" for p in map(png_problem, pngs) if p]
        elif kind.startswith("text:"):
            try:
                pattern = re.compile(kind[5:])
            except re.error as e:
                problems.append(f"expect {kind!r}: bad regular expression ({e})")
                continue
            if not pattern.search(stdout_text(cell)):
                text = stdout_text(cell).strip().splitlines()
                problems.append(f"expected stdout matching /{kind[5:]}/, got "
                                + (repr(text[-1][:120]) if text else "no stdout"))
        else:
            problems.append(f"unknown expect kind {kind!r} (table, figure, image or text:REGEX)")
    return len(kinds), problems


#: An object's default toString, e.g. "java.io.PrintStream@6d06d69c": a cell that ended in an expression
#: whose value means nothing to a reader (typically a printf), or a class without its own toString.
DEFAULT_TO_STRING = re.compile(r"\b(?:[a-z_][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_$]*@[0-9a-f]+\b")


def default_to_string(cell):
    """Problems for outputs of `cell` (any stream or text/plain or text/html) that show such a value."""
    problems = []
    for out in cell.get("outputs", []):
        texts = [out.get("text", "")] + [out.get("data", {}).get(k, "") for k in ("text/plain", "text/html")]
        for text in texts:
            match = DEFAULT_TO_STRING.search(text if isinstance(text, str) else "".join(text))
            if match:
                problems.append(f"shows {match.group(0)}, an object's default toString: end the cell with a "
                                "statement (e.g. a semicolon after printf) or give the class a toString")
                break
    return problems


def cell_label(nb, index):
    """'cell 7 (line one of its source)' with 1-based numbering of all cells."""
    first = next((line for line in nb.cells[index].source.splitlines() if line.strip()), "")
    return f"cell {index + 1} ({first.strip()[:60]})"


# ---- memory --------------------------------------------------------------------------------------

def peak_rss_kb(pid):
    """Peak resident set (VmHWM, kB) of process `pid` and its descendants, 0 when gone."""
    return sum(status_kb(p, "VmHWM") for p in [pid] + descendants(pid))


def rss_kb(pid):
    """Current resident set (VmRSS, kB) of process `pid` and its descendants."""
    return sum(status_kb(p, "VmRSS") for p in [pid] + descendants(pid))


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith(field + ":")), 0)
    except OSError:
        return 0


def descendants(pid):
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(c) for c in f.read().split()]
    except OSError:
        return []
    return children + [d for c in children for d in descendants(c)]


# ---- one notebook --------------------------------------------------------------------------------

class Run:
    """The outcome of executing one notebook."""

    def __init__(self, name):
        self.name = name
        self.status = "FAILED"
        self.seconds = 0.0
        self.attempts = 0
        self.peak_kb = 0
        self.expected = 0
        self.found = 0
        self.problems = []   # lines explaining a failure
        self.warnings = []
        self.figures = 0     # outputs carrying a Plotly figure (for the browser check)
        self.images = 0
        self.html = None
        self.cells = []      # per code cell: seconds and memory after it
        self.startup_seconds = None   # until the kernel answered (last start)
        self.current = None  # index of the cell being executed


async def execute(nb, workdir, args, run, progress, log):
    """Runs the cells of `nb` in place; raises CellExecutionError etc. like nbclient."""
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.cell_timeout,
                            startup_timeout=args.startup_timeout, allow_errors=False,
                            resources={"metadata": {"path": str(workdir)}})
    client.reset_execution_trackers()
    try:
        # The kernel's own log (rapaio writes every message it handles) goes to a file.
        started = time.monotonic()
        async with client.async_setup_kernel(stdout=log, stderr=log):
            run.startup_seconds = round(time.monotonic() - started, 1)
            pid = client.km.provisioner.process.pid
            sampler = asyncio.create_task(sample(pid, run))
            try:
                reply = await client.async_wait_for_reply(await _maybe(client.kc.kernel_info()))
                if reply and "language_info" in reply["content"]:
                    nb.metadata["language_info"] = reply["content"]["language_info"]
                code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
                for n, index in enumerate(code, 1):
                    progress(f"cell {n}/{len(code)}")
                    run.current = index
                    begin = time.monotonic()
                    await client.async_execute_cell(nb.cells[index], index,
                                                    execution_count=client.code_cells_executed + 1)
                    run.cells.append({"cell": index + 1, "seconds": round(time.monotonic() - begin, 1),
                                      "rss_mb": round(rss_kb(pid) / 1024),
                                      "peak_rss_mb": round(peak_rss_kb(pid) / 1024)})
            finally:
                run.peak_kb = max(run.peak_kb, peak_rss_kb(pid))
                sampler.cancel()
    finally:
        atexit.unregister(client._cleanup_kernel)   # nbclient leaves it registered after a failed start


async def _maybe(value):
    return await value if asyncio.iscoroutine(value) else value


async def sample(pid, run):
    """Reads the kernel's peak memory every half second (VmHWM only grows; the last read wins)."""
    while True:
        run.peak_kb = max(run.peak_kb, peak_rss_kb(pid))
        await asyncio.sleep(0.5)


def run_notebook(path, rel, args, progress):
    run = Run(str(rel.with_suffix("")))
    start = time.monotonic()
    nb = None
    log_path = (args.out / rel).with_suffix(".kernel.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, args.attempts + 1):
        run.attempts = attempt
        nb = nbformat.read(path, as_version=4)
        run.problems = []
        try:
            with open(log_path, "w" if attempt == 1 else "a") as log:
                log.write(f"--- kernel start {attempt} for {path}\n")
                log.flush()
                asyncio.run(execute(nb, path.parent, args, run, progress, log))
            break
        except CellExecutionError as e:
            index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                          and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            where = cell_label(nb, index) if index is not None else "a cell"
            run.problems = [f"{where} failed:"] + error_lines(nb.cells[index] if index is not None else None, e)
            break
        except (CellTimeoutError, DeadKernelError) as e:
            where = cell_label(nb, run.current) if run.current is not None else "a cell"
            run.problems = [f"{where}: {type(e).__name__}: {first_line(e)}"]
            break
        except RuntimeError as e:
            if any(s in str(e) for s in STARTUP_HANG):
                run.problems = [f"the kernel did not answer within {args.startup_timeout}s in {attempt} "
                                f"start(s) (on a slow machine: STARTUP_TIMEOUT=30)"]
                if attempt < args.attempts:
                    progress(f"kernel did not answer, starting it again ({attempt + 1}/{args.attempts})")
                    continue
                break
            run.problems = [f"RuntimeError: {first_line(e)}"]
            break
    run.seconds = time.monotonic() - start

    executed = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    if not run.problems:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            count, problems = check_expectations(cell)
            run.expected += count
            run.found += count - len(problems)
            problems += default_to_string(cell)
            run.problems += [f"{cell_label(nb, index)}: {p}" for p in problems]
        if args.max_rss_mb and run.peak_kb > args.max_rss_mb * 1024:
            run.problems.append(f"the kernel's peak memory {run.peak_kb / 1024:.0f} MB is over "
                                f"{args.max_rss_mb} MB")
        if not run.problems:
            run.status = "passed"
        if run.expected == 0:
            run.warnings.append("no cell declares an expected output (cell metadata alexnet.expect)")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = ANSI.sub("", "".join(out["text"])).strip()
                if text:
                    run.warnings.append("stderr: " + text.splitlines()[0][:150])
            data = out.get("data", {})
            run.figures += sum("Plotly.newPlot" in h for h in html_outputs({"outputs": [out]}))
            run.images += "image/png" in data
    if executed:
        save(nb, rel, args, run)
    return run


def error_lines(cell, exc):
    """A few lines of the cell's error: the kernel's error output, else nbclient's message."""
    if cell is not None:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                lines = [ANSI.sub("", line) for tb in out.get("traceback", []) for line in tb.splitlines()]
                lines = [line for line in lines if line.strip()] or [f"{out.get('ename')}: {out.get('evalue')}"]
                return lines[:12]
    return [ANSI.sub("", line) for line in str(exc).splitlines() if line.strip()][-8:]


def first_line(e):
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


def save(nb, rel, args, run):
    from nbconvert import HTMLExporter

    target = args.out / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    html, _ = HTMLExporter().from_notebook_node(nb)
    run.html = target.with_suffix(".html")
    run.html.write_text(html, encoding="utf-8")


def relative(path, root):
    """`path` below `root`, or just its file name when it is elsewhere."""
    try:
        return path.relative_to(root)
    except ValueError:
        return Path(path.name)


# ---- main ----------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="+", type=Path)
    p.add_argument("--root", type=Path, default=Path("notebooks"), help="folder the output paths are relative to")
    p.add_argument("--out", type=Path, default=Path("build/notebooks"))
    p.add_argument("--kernel", default="java")
    p.add_argument("--startup-timeout", type=int, default=10,
                   help="seconds for the kernel to answer (a healthy start takes ~2 s)")
    p.add_argument("--attempts", type=int, default=6, help="kernel starts per notebook")
    p.add_argument("--cell-timeout", type=int, default=1800, help="seconds per cell")
    p.add_argument("--max-rss-mb", type=int, default=0, help="fail a notebook whose kernel peaks above this")
    args = p.parse_args()

    tty = sys.stdout.isatty()
    paths = [path.resolve() for path in args.notebooks]
    rels = [relative(path, args.root.resolve()) for path in paths]
    width = max([len(str(rel.with_suffix(""))) for rel in rels] + [len("notebook")])
    results = []
    print(f"  {'notebook':<{width}}  {'result':<6} {'time':>7}  {'kernel peak':>19}  expected outputs", flush=True)
    for path, rel in zip(paths, rels):
        name = str(rel.with_suffix(""))
        begin = time.monotonic()

        def progress(what):
            if tty:
                print(f"\r\033[K  {name}: {what}, {time.monotonic() - begin:.0f}s", end="", flush=True)

        try:
            run = run_notebook(path, rel, args, progress)
        except Exception as e:   # a broken notebook file, an nbclient surprise: this notebook fails
            run = Run(name)
            run.problems = [f"{type(e).__name__}: {first_line(e)}"]
        if tty:
            print("\r\033[K", end="")
        retries = f", {run.attempts} kernel starts" if run.attempts > 1 else ""
        print(f"  {name:<{width}}  {run.status:<6} {run.seconds:6.1f}s  kernel peak {run.peak_kb / 1024:5.0f} MB"
              f"  expected outputs {run.found}/{run.expected}{retries}", flush=True)
        for line in run.problems:
            print(f"      | {line}")
        for line in sorted(set(run.warnings))[:3]:
            print(f"      ! {line}")
        results.append(run)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps([{
        "name": r.name, "status": r.status, "seconds": round(r.seconds, 1), "peak_rss_mb": round(r.peak_kb / 1024),
        "attempts": r.attempts, "startup_seconds": r.startup_seconds, "expected": r.expected, "found": r.found, "figures": r.figures,
        "images": r.images, "html": str(r.html) if r.html else None, "problems": r.problems, "cells": r.cells,
    } for r in results], indent=1) + "\n")
    failed = sum(r.status != "passed" for r in results)
    print(f"{len(results) - failed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
