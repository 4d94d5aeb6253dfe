"""The playground in a real browser: JupyterLab on 127.0.0.1, headless Chromium driven by
Playwright, notebook 11 run from the menu, then play, watch, change controls.

Run by ``make browser-test`` (``NNLIB_BROWSER_TESTS=1 pytest -s tests/browser``); the default
``pytest tests`` leaves it out (see conftest.py). Needs Playwright for Python and a Chromium
binary (Debian's ``chromium`` package; another one can be named by ``NNLIB_CHROMIUM``).
"""
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/11_playground.ipynb"
CHROMIUM = os.environ.get("NNLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# JupyterLab's own settings for this run: no update check, no news.
LAB_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                {"checkForUpdates": False, "fetchNews": "false"}}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebook; yields its base URL
    and token, and stops it afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set "
                    f"NNLIB_CHROMIUM)")
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / NOTEBOOK, root / NOTEBOOK)
    for name, values in LAB_SETTINGS.items():
        path = root / ".settings" / name
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"),
           "NNLIB_FIGURES_DIR": str(root / ".figures")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(root / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log_text = (root / "lab.log").read_text()
                    raise RuntimeError(f"JupyterLab did not start: {log_text}")
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    base, token = lab
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            workspace = f"playground-{secrets.token_hex(4)}"
            page.goto(f"{base}/lab/workspaces/{workspace}/tree/{NOTEBOOK}?reset&token={token}")
            yield page
        finally:
            browser.close()


def _epoch(root):
    """The epoch counter of a playground, as an int ("Epoch 000,123" -> 123)."""
    return int(re.sub(r"\D", "", root.locator(".pg-epoch").text_content()))


def _shows_lr(root, lr):
    """True if the maths panel's update rule states the learning rate ``lr`` (text)."""
    return re.search(rf"η = {lr}(?![\d.])", root.locator(".pg-maths").text_content()) is not None


def _wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


# A queued or running cell shows [*]; the stored notebook already shows numbers everywhere, so
# "all done" means: some cell was seen queued, and now none is and the kernel is idle.
CELLS_QUEUED = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
  .some(p => p.textContent.includes('*'))"""
ALL_CELLS_RUN = """() => {
  const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
  return indicator !== null && indicator.dataset.status === 'idle' && prompts.length > 0
      && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

COUNT_FRAMES = """img => {
  window.pgFrames = 0;
  new MutationObserver(() => { window.pgFrames += 1; })
      .observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def test_play_step_and_controls_in_jupyterlab(page):
    started = time.monotonic()
    # JupyterLab may ask which kernel to start (a fresh settings folder has no preference).
    select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
    try:
        select.click(timeout=10_000)
    except sync_api.TimeoutError:
        pass
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)

    # Run the whole notebook from the menu, as a learner would.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    _wait_until(lambda: page.evaluate(CELLS_QUEUED), 30, "the cells to be queued")
    _wait_until(lambda: page.evaluate(ALL_CELLS_RUN), 180, "every cell to run")
    errors = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, errors.first.text_content()
    ran = time.monotonic() - started
    playgrounds = page.locator(".pg-root")
    assert playgrounds.count() == 6  # the opening lesson, 3 experiments, own data, a handout

    # The opening lesson: play, and the epoch counter and the picture move.
    pg = playgrounds.first
    pg.scroll_into_view_if_needed()
    output = pg.locator("img.pg-output")
    assert _epoch(pg) == 0
    picture_before = output.screenshot()
    output.evaluate(COUNT_FRAMES)
    play = pg.locator(".pg-play")
    play.click()
    t0 = time.monotonic()
    _wait_until(lambda: _epoch(pg) >= 30, 30, "30 epochs of play")
    played = time.monotonic() - t0
    play.click()  # pause
    frames, first_epochs = page.evaluate("window.pgFrames"), _epoch(pg)
    paused_at = first_epochs
    time.sleep(1.0)
    assert _epoch(pg) in (paused_at, paused_at + 1)  # at most the frame under way finishes
    paused_at = _epoch(pg)
    time.sleep(1.0)
    assert _epoch(pg) == paused_at
    assert output.screenshot() != picture_before
    assert "Test accuracy" in pg.locator(".pg-scores").text_content()

    # One step is one epoch.
    pg.locator(".pg-step").click()
    _wait_until(lambda: _epoch(pg) == paused_at + 1, 10, "one step")

    # A feature toggled off: a new network with 3 inputs, back to epoch 0, a new picture.
    picture_trained = output.screenshot()
    pg.locator(".pg-feature-x1sq").click()
    _wait_until(lambda: _epoch(pg) == 0, 10, "the reset after a feature change")
    _wait_until(lambda: "layer 1 (3→6)" in pg.locator(".pg-maths").text_content(), 10,
                "the network to take 3 inputs")
    assert output.screenshot() != picture_trained

    # The learning rate: the update rule shows it, and play trains with it.
    pg.locator(".pg-lr select").select_option(label="3")
    _wait_until(lambda: _shows_lr(pg, "3"), 10, "the update rule to show lr 3")
    play.click()
    _wait_until(lambda: _epoch(pg) >= 10, 30, "10 epochs at lr 3")
    play.click()

    # Divergence in the widget: linear regression at lr 1 stops with a message.
    pg.locator(".pg-problem select").select_option(label="regression")
    _wait_until(lambda: pg.locator(".pg-scores").text_content().startswith("Test loss")
                and "accuracy" not in pg.locator(".pg-scores").text_content(), 10,
                "the regression problem")
    pg.locator(".pg-activation select").select_option(label="linear")
    pg.locator(".pg-optimizer select").select_option(label="SGD")
    pg.locator(".pg-lr select").select_option(label="1")
    _wait_until(lambda: _shows_lr(pg, "1") and "W ← W − η g" in pg.locator(".pg-maths")
                .text_content(), 10, "SGD at lr 1 in the update rule")
    play.click()
    message = pg.locator(".pg-message")
    _wait_until(lambda: "diverged" in message.text_content(), 20, "the divergence message")
    _wait_until(lambda: "play" in play.text_content(), 10, "play to stop by itself")
    assert _epoch(pg) == 0

    print(f"\nnotebook run from the menu in {ran:.0f} s; play: {first_epochs / played:.1f} "
          f"epochs/s, {frames / played:.1f} picture updates/s in the browser; "
          f"whole test {time.monotonic() - started:.0f} s")
