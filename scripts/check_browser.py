#!/usr/bin/python3
"""Opens executed notebooks' HTML in headless Chromium with the network off and checks that they drew.

    check_browser.py [--out DIR]

Reads DIR/results.json (written by check_notebooks.py). First a probe shows that the browser cannot
reach the network (a CDN and a control host); then, for every notebook that passed execution, it loads
a copy of its HTML with a small checking script added and requires:
  - every Plotly figure div (class alexnet-plot or js-plotly-plot) to hold an SVG <path> with a
    non-empty d attribute, and at least as many figure divs as the notebook has figure outputs;
  - every <img> to have decoded (naturalWidth > 0), and at least as many as the notebook has images.
It saves a screenshot per notebook next to its HTML (NAME.png) and ends with
"N passed, N failed, N skipped" (notebooks that failed execution are skipped). Exit status 1 on failure.

The network is cut with a network namespace of its own (unshare -n as root, unshare -rn otherwise) and,
in any case, with Chromium flags that send every connection to a closed port and resolve no name.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CDN_URL = "https://cdn.plot.ly/plotly-2.35.2.min.js"
CONTROL_URL = "https://registry.npmjs.org/plotly.js-dist-min"
NO_NETWORK_FLAGS = ["--proxy-server=socks5://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]
MAX_SCREENSHOT_HEIGHT = 16000
RESULT = re.compile(r'<pre id="alexnet-browser-check">(.*?)</pre>', re.S)

# Collects script errors from the start of the page (added right after <head>).
HEAD_SCRIPT = """<script>window.alexnetErrors = [];
window.addEventListener('error', function (e) { if (e.message) window.alexnetErrors.push(e.message); });</script>"""

# Runs after the page and its scripts have loaded; writes what it found into a <pre> for --dump-dom.
CHECK_SCRIPT = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  var figures = [];
  document.querySelectorAll('div.alexnet-plot, div.js-plotly-plot').forEach(function (d) {
    if (figures.indexOf(d) < 0 && !figures.some(function (f) { return f.contains(d); })) figures.push(d);
  });
  var notDrawn = figures.filter(function (d) {
    return !Array.prototype.some.call(d.querySelectorAll('svg path'), function (p) {
      return (p.getAttribute('d') || '').trim().length > 0;
    });
  }).map(function (d) { return (d.id || '(no id)') + ': ' + (d.textContent || '').trim().slice(0, 120); });
  var images = Array.prototype.slice.call(document.images);
  var broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
      .map(function (i) { return (i.src || '').slice(0, 40); });
  var pre = document.createElement('pre');
  pre.id = 'alexnet-browser-check';
  pre.textContent = JSON.stringify({figures: figures.length, notDrawn: notDrawn, images: images.length,
      broken: broken, errors: window.alexnetErrors, height: document.documentElement.scrollHeight});
  document.body.appendChild(pre);
}, 1000); });
</script>"""

PROBE_PAGE = """<!DOCTYPE html><html><body><pre id="alexnet-browser-check">{}</pre><script>
var result = {};
[%s].forEach(function (url) {
  fetch(url, {mode: 'no-cors'}).then(function () { result[url] = 'reachable'; show(); },
                                     function (e) { result[url] = 'blocked (' + e.message + ')'; show(); });
});
function show() { document.getElementById('alexnet-browser-check').textContent = JSON.stringify(result); }
</script></body></html>"""


class Browser:
    def __init__(self, timeout_ms):
        self.exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not self.exe:
            print("check_browser: Chromium not found (Debian: apt-get install chromium; "
                  "scripts/notebook-setup.sh --browser installs it)\n0 passed, 1 failed, 0 skipped")
            sys.exit(1)
        self.timeout_ms = timeout_ms
        self.isolation = self.namespace()
        self.profile = tempfile.mkdtemp(prefix="alexnet-chromium-")

    def namespace(self):
        """The command prefix that runs Chromium without a network, or [] when none works here."""
        for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
            if shutil.which("unshare") and subprocess.run(prefix + ["true"], capture_output=True).returncode == 0:
                return prefix
        return []

    def run(self, url, *extra, isolated=True, timeout=120):
        cmd = (self.isolation if isolated else []) + [
            self.exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", f"--user-data-dir={self.profile}",
            f"--virtual-time-budget={self.timeout_ms}", *(NO_NETWORK_FLAGS if isolated else []), *extra, url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return done.stdout

    def probe(self, page):
        """The probe's findings without and with the network cut."""
        urls = ", ".join(json.dumps(u) for u in (CDN_URL, CONTROL_URL))
        page.write_text(PROBE_PAGE % urls, encoding="utf-8")
        found = {}
        for isolated in (False, True):
            extra = () if isolated else ("--ignore-certificate-errors",)   # a proxy may re-sign TLS
            m = RESULT.search(self.run(page.as_uri(), "--dump-dom", *extra, isolated=isolated))
            found[isolated] = json.loads(m.group(1)) if m and m.group(1).startswith("{") else {}
        return found


def instrument(html):
    """The page with the error collector after <head> and the check before </body>."""
    html = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + HEAD_SCRIPT, html, count=1, flags=re.I)
    i = html.lower().rfind("</body>")
    return html[:i] + CHECK_SCRIPT + html[i:] if i >= 0 else html + CHECK_SCRIPT


def check(browser, nb, work):
    """(passed?, summary, problems, notes) for one executed notebook."""
    html = Path(nb["html"])
    page = work / (nb["name"].replace("/", "__") + ".html")
    page.write_text(instrument(html.read_text(encoding="utf-8")), encoding="utf-8")
    m = RESULT.search(browser.run(page.as_uri(), "--dump-dom"))
    if not m:
        return False, "", ["the page did not finish loading in the browser (no check result)"]
    r = json.loads(m.group(1))
    problems = [f"figure not drawn: {d}" for d in r["notDrawn"]]
    if r["figures"] < nb["figures"]:
        problems.append(f"the notebook has {nb['figures']} figure outputs, the page only {r['figures']} figure divs")
    problems += [f"image did not decode: {s}..." for s in r["broken"]]
    if r["images"] < nb["images"]:
        problems.append(f"the notebook has {nb['images']} images, the page only {r['images']}")
    shot = html.with_suffix(".png")
    height = min(max(r["height"], 600) + 40, MAX_SCREENSHOT_HEIGHT)
    browser.run(page.as_uri(), f"--screenshot={shot}", f"--window-size=1280,{height}")
    if not shot.exists() or shot.stat().st_size == 0:
        problems.append("no screenshot was written")
    drawn = r["figures"] - len(r["notDrawn"])
    loaded = r["images"] - len(r["broken"])
    text = (f"figures {drawn}/{r['figures']} drawn, images {loaded}/{r['images']} decoded, "
            f"screenshot {os.path.relpath(shot)}" + (" (cut at %d px)" % height if height == MAX_SCREENSHOT_HEIGHT else ""))
    notes = [f"script error (not counted): {e[:150]}" for e in r["errors"]]
    return not problems, text, problems, notes


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("build/notebooks"))
    p.add_argument("--budget-ms", type=int, default=30000, help="virtual time a page gets to draw")
    args = p.parse_args()
    try:
        notebooks = json.loads((args.out / "results.json").read_text())
    except (OSError, ValueError) as e:
        print(f"check_browser: no notebook results to check ({e})\n0 passed, 1 failed, 0 skipped")
        return 1

    browser = Browser(args.budget_ms)
    width = max([len(nb["name"]) for nb in notebooks] + [12]) + 2
    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory(prefix="alexnet-browser-") as tmp:
        work = Path(tmp)
        # 1. The network really is off: the CDN and a control host the machine may reach both fail.
        probe = browser.probe(work / "probe.html")
        isolated, open_net = probe.get(True, {}), probe.get(False, {})
        how = " ".join(browser.isolation) or "Chromium flags only (no network namespace here)"
        ok = bool(isolated) and all(v.startswith("blocked") for v in isolated.values())
        print(f"  {'network off':<{width}}{'passed' if ok else 'FAILED'}  ({how} + proxy/resolver flags)")
        for url in (CDN_URL, CONTROL_URL):
            print(f"      {url}: {isolated.get(url, 'no answer')} (without isolation: {open_net.get(url, 'no answer')})")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)

        # 2. Every notebook that ran.
        for nb in notebooks:
            if nb["status"] != "passed" or not nb.get("html"):
                print(f"  {nb['name']:<{width}}skipped (the notebook did not run through)")
                skipped += 1
                continue
            try:
                ok, text, problems, notes = check(browser, nb, work)
            except subprocess.TimeoutExpired:
                ok, text, problems, notes = False, "", ["Chromium did not finish within 120 s"], []
            print(f"  {nb['name']:<{width}}{'passed' if ok else 'FAILED'}  {text}")
            for line in problems:
                print(f"      | {line}")
            for line in notes[:3]:
                print(f"      ! {line}")
            passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    shutil.rmtree(browser.profile, ignore_errors=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
