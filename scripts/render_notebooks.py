#!/usr/bin/python3
"""Writes executed notebooks as Markdown with PNG pictures, for reading without running them.

    render_notebooks.py [--executed DIR] [--to DIR] [NAME...]

Reads DIR/results.json and the executed notebooks that check_notebooks.py wrote there (default
build/notebooks; scripts/render-notebooks.sh runs them in workshop mode first) and writes, for each
notebook that passed (or each NAME given, e.g. 03-fashion-mnist-alexnet or solutions/03-...):

    TO/NAME.md          the markdown cells as they are, each code cell as a java block, then its outputs
    TO/NAME/cell-NN-K.png   pictures: image outputs as the kernel made them, Plotly figures as
                            screenshots taken in headless Chromium with the network off

Text outputs become text blocks (the end of a long one is kept), tables stay HTML (GitHub shows them),
plotly.js itself is left out: a figure costs one PNG of ~50 KB instead of ~5 MB of script. Old pictures of
a rendered notebook are removed first, so a refresh leaves no strays. Ends with
"N passed, N failed, N skipped" (a notebook that did not pass execution is skipped).
"""
import argparse
import base64
import json
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import check_browser  # noqa: E402

ROOT = HERE.parent
JAR = ROOT / "toolkit/target/alexnet-toolkit-0.1.0-SNAPSHOT-all.jar"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MODE = re.compile(r"notebook mode (SMOKE|WORKSHOP|FULL)")
MAX_TEXT_LINES = 60
FIGURE_SIZE = (820, 480)


def text_of(value):
    return value if isinstance(value, str) else "".join(value)


def fenced(text, lang="text"):
    lines = ANSI.sub("", text).rstrip("\n").splitlines()
    if len(lines) > MAX_TEXT_LINES:
        cut = len(lines) - MAX_TEXT_LINES
        lines = [f"... ({cut} earlier lines left out)"] + lines[-MAX_TEXT_LINES:]
    body = "\n".join(lines)
    fence = "````" if "```" in body else "```"
    return f"{fence}{lang}\n{body}\n{fence}\n"


class Renderer:
    def __init__(self, browser, plotly_js, work, project=None):
        self.browser = browser
        self.plotly_js = plotly_js
        self.work = work
        # Outputs that name the machine's project folder show paths relative to it instead.
        self.project = str(project).rstrip("/") + "/" if project else None

    def local(self, text):
        return text.replace(self.project, "") if self.project else text

    def figure_png(self, html, target):
        """Screenshots one figure output (its div and drawing script) with plotly.js loaded first."""
        page = self.work / "figure.html"
        page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{margin:0;background:#fff}"
                        ".modebar-container{display:none}</style></head><body><script>" + self.plotly_js + "</script>" + html + "</body></html>",
                        encoding="utf-8")
        target.unlink(missing_ok=True)
        self.browser.run(page.as_uri(), f"--screenshot={target}", "--window-size=%d,%d" % FIGURE_SIZE)
        if not target.exists() or target.stat().st_size == 0:
            raise RuntimeError(f"Chromium wrote no screenshot for {target.name}")

    def outputs(self, cell, index, pictures, rel):
        """Markdown for one code cell's outputs; pictures are written to `pictures`."""
        parts, count = [], 0

        def picture(kind):
            nonlocal count
            count += 1
            name = f"cell-{index:02d}-{count}.png"
            return pictures / name, f"![{kind}]({rel}/{name})\n"

        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                text = self.local(text_of(out.get("text", "")))
                if text.strip():
                    parts.append(fenced(text) if out.get("name") == "stdout" else "stderr:\n\n" + fenced(text))
                continue
            if kind == "error":
                parts.append(fenced("\n".join(out.get("traceback", [])) or out.get("evalue", "")))
                continue
            data = out.get("data", {})
            if "image/png" in data:
                path, link = picture("image")
                path.write_bytes(base64.b64decode(text_of(data["image/png"])))
                parts.append(link)
            elif "text/html" in data:
                html = text_of(data["text/html"])
                if "Plotly.newPlot" in html:
                    path, link = picture("figure")
                    self.figure_png(html, path)
                    parts.append(link)
                elif "window.Plotly" in html or "<script" in html:
                    continue   # the plotly.js library (or another script), not something to read
                else:
                    parts.append(self.local(html).strip() + "\n")
            elif "text/plain" in data:
                parts.append(fenced(self.local(text_of(data["text/plain"]))))
        return parts

    def render(self, executed, target):
        nb = nbformat.read(executed, as_version=4)
        pictures = target.with_suffix("")
        shutil.rmtree(pictures, ignore_errors=True)
        pictures.mkdir(parents=True)
        mode = next((m.group(1).lower() for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) for m in [MODE.search(text_of(o.get("text", "")))] if m), None)
        md = [f"<!-- Rendered by scripts/render-notebooks.sh from an executed run"
              f"{' in ' + mode + ' mode' if mode else ''}; do not edit: edit the notebook and refresh. -->\n"]
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                md.append(cell.source.strip() + "\n")
            elif cell.cell_type == "code":
                md.append(fenced(cell.source, "java"))
                md += self.outputs(cell, index, pictures, pictures.name)
        target.write_text("\n".join(md), encoding="utf-8")
        if not any(pictures.iterdir()):
            pictures.rmdir()
        return mode


def write_index(folder):
    """TO/README.md: a link to every rendered notebook, with its title."""
    rows = []
    for md in sorted(p for p in folder.rglob("*.md") if p.name != "README.md"):
        title = next((line[2:].strip() for line in md.read_text(encoding="utf-8").splitlines()
                      if line.startswith("# ")), md.stem)
        rows.append(f"- [{title}]({md.relative_to(folder).as_posix()})")
    (folder / "README.md").write_text(
        "# The notebooks with their outputs\n\nEach notebook as it ran in workshop mode on a CPU, to read without\n"
        "running it (the figures are pictures here; run the notebook for interactive ones). Refreshed with\n"
        "`bash scripts/render-notebooks.sh`; do not edit these files.\n\n" + "\n".join(rows) + "\n", encoding="utf-8")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--executed", type=Path, default=ROOT / "build/notebooks")
    p.add_argument("--to", type=Path, default=ROOT / "notebooks/rendered")
    p.add_argument("names", nargs="*")
    args = p.parse_args()
    try:
        results = json.loads((args.executed / "results.json").read_text())
    except (OSError, ValueError) as e:
        print(f"render_notebooks: no executed notebooks in {args.executed} ({e}): "
              "run scripts/render-notebooks.sh, which executes them first\n0 passed, 1 failed, 0 skipped")
        return 1
    wanted = set(args.names)
    results = [r for r in results if not wanted or r["name"] in wanted]
    if wanted - {r["name"] for r in results}:
        print(f"render_notebooks: not among the executed notebooks: {', '.join(sorted(wanted - {r['name'] for r in results}))}"
              "\n0 passed, 1 failed, 0 skipped")
        return 1
    if not JAR.exists():
        print(f"render_notebooks: {JAR.name} is missing (bash scripts/setup.sh builds it)\n0 passed, 1 failed, 0 skipped")
        return 1
    with zipfile.ZipFile(JAR) as jar:
        plotly_js = jar.read("org/alexnet/plot/plotly.min.js").decode().replace("</script", "<\\/script")
    browser = check_browser.Browser(20000)
    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory(prefix="alexnet-render-") as tmp:
        # check_notebooks.py wrote them to PROJECT/build/notebooks.
        renderer = Renderer(browser, plotly_js, Path(tmp), args.executed.resolve().parent.parent)
        for r in results:
            if r["status"] != "passed":
                print(f"  {r['name']}: skipped (it did not pass execution)")
                skipped += 1
                continue
            executed = Path(r["html"]).with_suffix(".ipynb")
            target = args.to / (r["name"] + ".md")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                mode = renderer.render(executed, target)
            except (OSError, RuntimeError, ValueError) as e:
                print(f"  {r['name']}: FAILED ({e})")
                failed += 1
                continue
            size = target.stat().st_size + sum(f.stat().st_size for f in target.with_suffix("").glob("*.png"))
            print(f"  {r['name']}: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
                  f"({mode or 'unknown'} mode, {size / 1024:.0f} KB with its pictures)")
            passed += 1
    shutil.rmtree(browser.profile, ignore_errors=True)
    write_index(args.to)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
