#!/usr/bin/python3
"""Tests of the notebook checkers themselves: each check must fail on a notebook or page that lacks
what it looks for. Run with /usr/bin/python3 from the project folder; ends with
"N passed, N failed, N skipped". The browser tests need Chromium and the toolkit jar (for plotly.js),
the kernel test the "java" kernel (JUPYTER_PATH=build/jupyter); each is skipped without them.
"""
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import check_browser  # noqa: E402
import check_notebooks  # noqa: E402
import render_notebooks  # noqa: E402

JAR = ROOT / "toolkit/target/alexnet-toolkit-0.1.0-SNAPSHOT-all.jar"


def png(width, height, cut=0):
    """A grey PNG, base64; `cut` drops bytes from the end of its pixel data."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(b"".join(b"\0" + bytes([128] * width) for _ in range(height)))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels[:len(pixels) - cut]) + chunk(b"IEND", b""))
    return base64.b64encode(data).decode()


def cell(expect, *outputs):
    return {"cell_type": "code", "metadata": {"alexnet": {"expect": expect}}, "outputs": list(outputs)}


def html(text):
    return {"output_type": "display_data", "data": {"text/html": text}, "metadata": {}}


def stdout(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def image(data):
    return {"output_type": "display_data", "data": {"image/png": data}, "metadata": {}}


class ExpectationTest(unittest.TestCase):
    def problems(self, c):
        return check_notebooks.check_expectations(c)[1]

    def test_table(self):
        self.assertEqual([], self.problems(cell("table", html("<p>x</p>"), html("<table><tr></tr></table>"))))
        self.assertIn("expected a table", self.problems(cell("table", html("<p>no</p>")))[0])

    def test_figure(self):
        self.assertEqual([], self.problems(cell("figure", html("<div></div><script>Plotly.newPlot('a')</script>"))))
        self.assertIn("expected a figure", self.problems(cell("figure", html("<table></table>")))[0])

    def test_image_must_decode(self):
        self.assertEqual([], self.problems(cell("image", image(png(30, 20)))))
        self.assertIn("expected an image", self.problems(cell("image", html("<img>")))[0])
        self.assertIn("does not decode", self.problems(cell("image", image(png(30, 20, cut=9))))[0])
        self.assertIn("no PNG signature", self.problems(cell("image", image(base64.b64encode(b"GIF89a").decode())))[0])

    def test_text(self):
        c = cell("text:test accuracy: 0\\.\\d+", stdout("epoch 1\n"), stdout("test accuracy: 0.812 on 250 images\n"))
        self.assertEqual([], self.problems(c))
        self.assertIn("expected stdout matching", self.problems(cell("text:accuracy: 0\\.9", stdout("accuracy: 0.8\n")))[0])
        # Only standard output counts, not an error stream.
        c = cell("text:done", {"output_type": "stream", "name": "stderr", "text": "done"})
        self.assertEqual(1, len(self.problems(c)))

    def test_several_kinds_and_mistakes(self):
        c = cell(["table", "figure"], html("<table></table>"))
        self.assertEqual((2, 1), (check_notebooks.check_expectations(c)[0], len(self.problems(c))))
        self.assertIn("unknown expect kind", self.problems(cell("tabel", html("<table>")))[0])
        self.assertIn("bad regular expression", self.problems(cell("text:(", stdout("(")))[0])
        self.assertEqual((0, []), check_notebooks.check_expectations({"cell_type": "code", "metadata": {}}))


class DefaultToStringTest(unittest.TestCase):
    def test_a_printf_value_fails(self):
        shown = {"output_type": "execute_result", "data": {"text/plain": "java.io.PrintStream@6d06d69c"},
                 "metadata": {}}
        problems = check_notebooks.default_to_string(cell([], stdout("run: 3 epochs\n"), shown))
        self.assertEqual(1, len(problems), problems)
        self.assertIn("java.io.PrintStream@6d06d69c", problems[0])
        nested = check_notebooks.default_to_string(cell([], stdout("org.alexnet.eval.Ensemble$Member@1f\n")))
        self.assertIn("org.alexnet.eval.Ensemble$Member@1f", nested[0])

    def test_ordinary_text_passes(self):
        c = cell([], stdout("mail me@home.org, java.io.PrintStream, x@ff, AlexNet(classes=10) 0x7f@\n"),
                 html("<table><tr><td>conv1</td></tr></table>"))
        self.assertEqual([], check_notebooks.default_to_string(c))


@unittest.skipUnless(shutil.which("chromium") and JAR.exists(), "needs chromium and the toolkit jar")
class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with zipfile.ZipFile(JAR) as jar:
            cls.plotly = jar.read("org/alexnet/plot/plotly.min.js").decode()
        cls.tmp = Path(tempfile.mkdtemp(prefix="alexnet-test-browser-"))
        cls.browser = check_browser.Browser(10000)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        shutil.rmtree(cls.browser.profile, ignore_errors=True)

    def page(self, name, body, figures=1, images=0):
        path = self.tmp / f"{name}.html"
        path.write_text(f"<!DOCTYPE html><html><head></head><body>{body}</body></html>", encoding="utf-8")
        return check_browser.check(self.browser, {"name": name, "html": str(path), "figures": figures,
                                                  "images": images}, self.tmp)

    FIGURE = """<div id="f" class="alexnet-plot"></div>
<script>Plotly.newPlot('f', [{x: [1, 2, 3], y: [2, 1, 3], type: 'scatter'}], {title: {text: 't'}});</script>"""

    def test_embedded_plotly_draws(self):
        ok, text, problems, _ = self.page("drawn", f"<script>{self.plotly}</script>{self.FIGURE}")
        self.assertTrue(ok, problems)
        self.assertIn("figures 1/1 drawn", text)

    def test_cdn_plotly_does_not_draw_offline(self):
        body = f'<script src="{check_browser.CDN_URL}"></script>{self.FIGURE}'
        ok, _, problems, _ = self.page("cdn", body)
        self.assertFalse(ok)
        self.assertIn("figure not drawn: f", problems[0])

    def test_missing_figure_div_and_broken_image(self):
        bad = "data:image/png;base64," + png(4, 4)[:20]
        ok, _, problems, _ = self.page("broken", f'<img src="data:image/png;base64,{png(4, 4)}"><img src="{bad}">',
                                       figures=1, images=2)
        self.assertFalse(ok)
        self.assertEqual(2, len(problems), problems)
        self.assertIn("1 figure outputs, the page only 0", problems[0])
        self.assertIn("image did not decode", problems[1])

    def test_network_is_off(self):
        found = self.browser.probe(self.tmp / "probe.html")[True]
        self.assertEqual({check_browser.CDN_URL, check_browser.CONTROL_URL}, set(found))
        self.assertTrue(all(v.startswith("blocked") for v in found.values()), found)


@unittest.skipUnless(shutil.which("chromium") and JAR.exists(), "needs chromium and the toolkit jar")
class RenderTest(unittest.TestCase):
    def test_markdown_with_pictures(self):
        figure = ('<div id="g" class="alexnet-plot"></div><script>Plotly.newPlot("g", [{x: [1, 2], y: [3, 1], '
                  'type: "scatter"}], {width: 400, height: 300});</script>')
        code = {"cell_type": "code", "execution_count": 1, "id": "b", "metadata": {}, "source": "show();",
                "outputs": [stdout("notebook mode WORKSHOP: minutes\n"), image(png(6, 4)),
                            html("<script>window.Plotly = {};</script>"), html(figure),
                            html("<table><tr><td>conv1</td></tr></table>")]}
        nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Title"}, code],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        with tempfile.TemporaryDirectory() as tmp:
            executed, out = Path(tmp) / "x.ipynb", Path(tmp) / "rendered/x.md"
            executed.write_text(json.dumps(nb))
            out.parent.mkdir()
            stale = out.parent / "x/cell-09-1.png"
            stale.parent.mkdir()
            stale.write_bytes(b"old")
            with zipfile.ZipFile(JAR) as jar:
                plotly = jar.read("org/alexnet/plot/plotly.min.js").decode()
            browser = check_browser.Browser(10000)
            try:
                mode = render_notebooks.Renderer(browser, plotly, Path(tmp)).render(executed, out)
            finally:
                shutil.rmtree(browser.profile, ignore_errors=True)
            md = out.read_text()
            self.assertEqual("workshop", mode)
            self.assertIn("# Title", md)
            self.assertIn("```java\nshow();\n```", md)
            self.assertIn("```text\nnotebook mode WORKSHOP: minutes\n```", md)
            self.assertIn("![image](x/cell-01-1.png)", md)
            self.assertIn("![figure](x/cell-01-2.png)", md)
            self.assertIn("<table><tr><td>conv1</td></tr></table>", md)
            self.assertNotIn("window.Plotly", md)
            self.assertFalse(stale.exists(), "pictures of an earlier rendering are removed")
            for name in ("cell-01-1.png", "cell-01-2.png"):
                data = base64.b64encode((out.parent / "x" / name).read_bytes()).decode()
                self.assertIsNone(check_notebooks.png_problem(data), name)
            # The screenshot shows a drawn figure, not a blank page: more than one colour in its pixels.
            self.assertGreater((out.parent / "x/cell-01-2.png").stat().st_size, 3000)

    def test_long_text_keeps_its_end(self):
        text = "".join(f"line {i}\n" for i in range(200))
        block = render_notebooks.fenced(text)
        self.assertIn("(140 earlier lines left out)", block)
        self.assertIn("line 199", block)
        self.assertNotIn("line 139\n", block)


@unittest.skipUnless((ROOT / "build/jupyter/kernels/java/kernel.json").exists(), "needs the java kernel")
class KernelTest(unittest.TestCase):
    def test_a_failing_cell_fails_the_notebook(self):
        nb = {"cells": [
            {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
             "source": "System.out.println(\"first\");"},
            {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [],
             "source": "int broken = ;"},
            {"cell_type": "code", "execution_count": None, "id": "c",
             "metadata": {"alexnet": {"expect": "text:never"}}, "outputs": [], "source": "System.out.println(1);"}],
            "metadata": {"kernelspec": {"display_name": "Java", "language": "java", "name": "java"}},
            "nbformat": 4, "nbformat_minor": 5}
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "broken.ipynb"
            path.write_text(json.dumps(nb))
            env = dict(os.environ, JUPYTER_PATH=str(ROOT / "build/jupyter"))
            done = subprocess.run([sys.executable, str(HERE / "check_notebooks.py"), "--root", tmp,
                                   "--out", str(Path(tmp) / "out"), str(path)],
                                  capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(1, done.returncode, done.stdout + done.stderr)
            self.assertIn("broken", done.stdout)
            self.assertIn("FAILED", done.stdout)
            self.assertIn("cell 2 (int broken = ;) failed", done.stdout)
            self.assertIn("illegal start of expression", done.stdout)
            self.assertTrue(done.stdout.rstrip().endswith("0 passed, 1 failed, 0 skipped"), done.stdout)
            executed = json.loads((Path(tmp) / "out/broken.ipynb").read_text())
            self.assertEqual("first\n", "".join(executed["cells"][0]["outputs"][0]["text"]))
            self.assertEqual([], executed["cells"][2]["outputs"])   # nothing runs after the error


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    print(f"{result.testsRun - bad - skipped} passed, {bad} failed, {skipped} skipped")
    sys.exit(1 if bad else 0)
