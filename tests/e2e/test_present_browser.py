"""The presenter view on a 1920×1080 projector, in headless Chromium against the real server
(issue 17, "The presenter view is a projector screen"):

* every phase (process, group, motives, friction, consensus, actions) and a revealed dot vote:
  body text (``st.text``, Markdown paragraphs, list items, captions, table cells, the live
  parts' text) is at least 28 px and every heading larger, read with ``getComputedStyle``
  from every text node on the screen (inside the live parts' shadow roots too); the vote's bar
  labels and counts and the network's labels and legend at least 24 px; nothing sticks out
  sideways, and a phase fits the screen;
* no sidebar and no navigation, only the facilitator's small way back;
* while the workshop is open, the join code in large type and its QR code in the top right
  corner (never the facilitator key); an ended workshop shows neither;
* a participant who opens ``/present?t=TOKEN`` (or follows the navigation's link) gets
  ``?w=...&code=...`` in the address, never their token; the way back recognises them again;
* time up: the countdown's beep plays no ``<audio>`` player, visible or not.

The workshops are imported and put in their phases (and the vote cast and revealed) through the
services before the server holds the database file. With ``KOPKARTA_SCREENS=<folder>`` the test
also saves a screenshot of each phase there (``present-<phase>.png``: how docs/screens/ was made).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from workshop import demo

from .conftest import Server, import_workshop

pytestmark = pytest.mark.browser

PHASES = ("process", "group", "motives", "friction", "consensus", "actions")
HD = {"viewport": {"width": 1920, "height": 1080}}
BODY_PX, LABEL_PX = 28.0, 24.0
VOTE_PROMPT = "Which objection stalls the deal most?"

#: every text node on the screen with its font size and what it is: a heading, the way back (a
#: navigation link, not body text) or body text; the live parts' shadow roots are walked too
MEASURE = """() => {
  const out = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || el.closest("style, script")) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
      const kind = el.closest("h1, h2, h3, h4, h5, h6") ? "heading" : el.closest(".st-key-kk_back") ? "nav" : "body";
      out.push({ kind, px: parseFloat(getComputedStyle(el).fontSize), text: n.textContent.trim().slice(0, 40) });
    }
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document.querySelector("[data-testid='stMain']"));
  return out;
}"""

#: ``<audio>`` elements anywhere, shadow roots included
AUDIO = """() => {
  let n = 0;
  const visit = (root) => {
    n += root.querySelectorAll("audio, [data-testid='stAudio']").length;
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document);
  return n;
}"""


def arrange(db: Path) -> dict[str, tuple[str, str]]:
    """The fleet example once per screen to show, each put where it should be: a room per phase,
    a revealed dot vote on the objections (three people of three functions), a timed round long
    over (time up), an ended workshop. Returns (join code, facilitator key) by room."""
    from workshop.services import facilitation as fs
    from workshop.services import live
    from workshop.store import open_store

    rooms = {room: import_workshop(db, demo.example("fleet"), f"present-{room}") for room in (*PHASES, "vote", "timer", "ended")}
    with open_store(db) as store:
        fac = {room: fs.Facilitator(f"present-{room}", key) for room, (_, key) in rooms.items()}
        for phase in PHASES:
            fs.set_phase(store, fac[phase], phase)
        fs.set_phase(store, fac["vote"], "friction")
        r = fs.start_vote(store, fac["vote"], "objection", budget=5, prompt=VOTE_PROMPT)
        objections = [e.eid for e in live.snapshot(store, "present-vote").of_kind("objection")]
        people = [live.join(store, rooms["vote"][0], name, fn) for name, fn in (("Anna", "sales"), ("Bo", "product"), ("Cy", "marketing"))]
        for person, dots in zip(people, ((3, 2, 0), (1, 1, 3), (2, 0, 1))):
            for eid, n in zip(objections, dots):
                if n:
                    fs.set_dots(store, person, r.no, eid, n)
        fs.end_round(store, fac["vote"])
        fs.reveal(store, fac["vote"])
        fs.set_phase(store, fac["timer"], "process")
        fs.start_timer(store, fac["timer"], "Sketch the first meeting", 1, now=0)  # long over: time is up
        fs.set_phase(store, fac["ended"], "consensus")
        fs.end_workshop(store, fac["ended"])
    return rooms


@pytest.fixture(scope="module")
def wall(tmp_path_factory):
    folder = tmp_path_factory.mktemp("present")
    db = folder / "present.duckdb"
    rooms = arrange(db)
    srv = Server(db, folder / "server.log")
    srv.rooms = rooms
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def screen(browser):
    context = browser.new_context(**HD)
    yield context.new_page()
    context.close()


def _open(wall, screen, room: str, ready: str) -> None:
    screen.goto(f"{wall.url}/present?w=present-{room}&code={wall.rooms[room][0]}")
    screen.locator(ready).first.wait_for(timeout=30000)
    screen.locator(".kk-live[data-view='watch'][data-stream='open']").wait_for(state="attached", timeout=30000)
    screen.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state') !== 'running'")
    screen.wait_for_timeout(500)  # fonts and the last layout settle


def _fonts(screen) -> dict[str, list[dict]]:
    found = screen.evaluate(MEASURE)
    return {kind: [f for f in found if f["kind"] == kind] for kind in ("body", "heading", "nav")}


def _check_type(screen, name: str) -> dict[str, float]:
    fonts = _fonts(screen)
    body, headings = fonts["body"], fonts["heading"]
    assert body and headings, (name, fonts)
    small = [f for f in body if f["px"] < BODY_PX]
    assert not small, (name, small)
    assert min(h["px"] for h in headings) > min(f["px"] for f in body), (name, headings)
    return {"body": min(f["px"] for f in body), "heading": min(h["px"] for h in headings), "texts": len(body)}


def _no_chrome(screen) -> None:
    """No sidebar, no navigation, no header: only the small way back."""
    for selector in ("stSidebar", "stSidebarNav", "stSidebarCollapsedControl", "stExpandSidebarButton", "stHeader"):
        assert not screen.locator(f"[data-testid='{selector}']").first.is_visible(), selector
    back = screen.locator(".st-key-kk_back a")
    assert back.count() == 2 and back.first.is_visible()


def _corner(wall, screen, room: str) -> None:
    code, key = wall.rooms[room]
    shown = screen.locator(".st-key-kk_code [data-testid='stText']")
    assert shown.inner_text().strip() == code.upper()
    assert float(shown.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 56
    box = screen.locator(".st-key-kk_corner").bounding_box()
    assert box["x"] > 1920 / 2 and box["y"] < 1080 / 4 and box["x"] + box["width"] <= 1920, box  # the top right corner
    qr = screen.locator(".st-key-kk_corner img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0") and qr.bounding_box()["width"] >= 150
    assert key not in screen.evaluate("() => document.body.innerText")


def _fits(screen, name: str) -> None:
    wide = screen.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert wide <= 1, (name, wide)
    tall = screen.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight - window.innerHeight")
    assert tall <= 1, (name, tall)


def _shoot(screen, name: str, tmp_path: Path) -> None:
    screen.screenshot(path=str(tmp_path / f"present-{name}.png"))
    folder = os.environ.get("KOPKARTA_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        screen.screenshot(path=str(Path(folder) / f"present-{name}.png"))


READY = {
    "process": "[class*='st-key-kk_chev']",
    "group": "iframe",
    "motives": "[class*='st-key-kk_rowm']",
    "friction": "[class*='st-key-kk_rows']",
    "consensus": "[class*='st-key-kk_light']",
    "actions": "[data-testid='stTable'] td",
}


@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_reads_from_the_back_of_the_room(wall, screen, phase, tmp_path):
    _open(wall, screen, phase, READY[phase])
    measured = _check_type(screen, phase)
    print(f"{phase}: body ≥ {measured['body']} px over {measured['texts']} texts, headings ≥ {measured['heading']} px")
    _no_chrome(screen)
    _corner(wall, screen, phase)
    if phase == "group":  # the network: labels and legend for the wall
        frame = screen.frame_locator("iframe").first
        frame.locator("#mynetwork canvas").wait_for(timeout=30000)
        network = next(f for f in screen.frames if f != screen.main_frame)
        network.wait_for_function("() => window.kkLabelPx !== undefined", timeout=30000)
        assert network.evaluate("() => window.kkLabelPx") >= LABEL_PX
        assert network.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.kk-legend')).fontSize)") >= LABEL_PX
        assert not frame.locator("div.vis-navigation").first.is_visible()
    _fits(screen, phase)
    _shoot(screen, phase, tmp_path)


def test_a_revealed_vote_on_the_wall(wall, screen, tmp_path):
    _open(wall, screen, "vote", ".kk-live[data-view='results'] .kk-bars [role='listitem']")
    screen.get_by_text(VOTE_PROMPT).first.wait_for(timeout=30000)
    results = screen.locator(".kk-live[data-view='results']")
    rows = results.locator(".kk-bars [role='listitem']")
    assert rows.count() == 3
    assert rows.first.locator(".kk-bar-count").inner_text() == "6"  # 3 + 1 + 2 dots: ranked first
    for part in (".kk-bar-label", ".kk-bar-count", ".kk-legend-item", ".kk-colours"):
        px = results.locator(part).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert px >= LABEL_PX, (part, px)
    assert "function" in results.locator(".kk-colours").inner_text()  # what the colours mean
    assert screen.locator("[class*='st-key-kk_rows']").count() == 0  # the revealed vote has the wall to itself
    measured = _check_type(screen, "vote")
    print(f"vote: body ≥ {measured['body']} px over {measured['texts']} texts, headings ≥ {measured['heading']} px")
    _no_chrome(screen)
    _corner(wall, screen, "vote")
    _fits(screen, "vote")
    _shoot(screen, "vote", tmp_path)


def test_an_ended_workshop_shows_no_join_corner(wall, screen):
    _open(wall, screen, "ended", "[class*='st-key-kk_light']")
    assert screen.locator(".st-key-kk_corner").count() == 0
    assert wall.rooms["ended"][0] not in screen.evaluate("() => document.body.innerText")


def test_time_up_plays_no_audio_player(wall, screen):
    _open(wall, screen, "timer", ".kk-live[data-view='clock'] [role='timer']")
    clock = screen.locator(".kk-live[data-view='clock']")
    clock.get_by_text("Time is up").wait_for(timeout=30000)
    assert clock.locator("[role='timer']").inner_text() == "⏱ 0:00"
    assert screen.evaluate(AUDIO) == 0


def test_the_projectors_address_holds_no_token(wall, browser):
    code = wall.rooms["process"][0]
    context = browser.new_context(**HD)
    page = context.new_page()
    try:
        page.goto(f"{wall.url}/?join={code}&name=Pia")
        page.wait_for_url("**t=*", timeout=30000)
        token = page.url.split("t=")[1].split("&")[0]
        # the navigation's link to the presenter view carries no token
        page.goto(f"{wall.url}/process?t={token}")
        link = page.locator("[data-testid='stSidebarNav'] a[href*='present']")
        link.wait_for(timeout=30000)
        assert "t=" not in (link.get_attribute("href") or "")
        link.click()
        page.wait_for_url(re.compile(r"/present\?w=present-process&code=" + code), timeout=30000)
        page.locator("[class*='st-key-kk_chev']").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        assert token not in page.url and "t=" not in page.url.split("?")[1]
        # opened with the token in the address: it goes, the workshop and its code come
        page.goto(f"{wall.url}/present?t={token}")
        page.wait_for_url(re.compile(r"/present\?w=present-process&code=" + code + "$"), timeout=30000)
        page.locator("[class*='st-key-kk_chev']").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        assert token not in page.url
        # the way back: the participant is recognised again (their token back in the address),
        # and the app's navigation is back (the presenter view hides it on its own page only)
        page.locator(".st-key-kk_back a").last.click()
        page.wait_for_url(f"**t={token}*", timeout=30000)
        page.locator("[data-testid='stSidebarNav']").wait_for(timeout=30000)
    finally:
        context.close()
