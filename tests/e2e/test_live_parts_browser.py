"""The live parts (:mod:`ui.live`, ``web/component/live.js``) in real browsers against the real
server (``streamlit run app.py`` in the test mode):

* a step one participant adds reaches the other's board from the event stream, and the other's
  screen runs no script for it (the server counts each screen's runs: ``/_kopkarta/test/runs``);
* a sticky note put on a card with its 📝+ button reaches the other's board the same way;
* a new stage is on the other's board and, through one run the watcher asks for, in their
  quick-add list and note form;
* hostile text in a step and a note stays text inside the component's shadow root;
* the projector's countdown ticks and its results part shows a revealed dot vote;
* a page drawn by Streamlit (``/group``) follows a change through an asked run;
* a page left open across a server restart reconnects its stream and goes on following.

Every wait is for a state, with room for a busy two-core machine; a fixed pause is used only
to show that something does *not* happen (no script run), after the change was seen.
"""

from __future__ import annotations

import re
import signal
import time

import pytest

from workshop import demo

from .conftest import Server, import_workshop, type_number

pytestmark = pytest.mark.browser

ROOM = "live-room"  # the participants' workshop
SCREEN = "present-room"  # the projector's (its rounds must not disturb the others' pages)
LAPTOP = {"viewport": {"width": 1400, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
BOARD = ".kk-live[data-view='board']"
#: how long a screen may take to ask for a run after a change (live.js askRerun: up to 300 ms
#: plus a spread of 25 ms per screen of the workshop), with room for a busy machine
ASK_WINDOW = 4.0
HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "[link](javascript:alert(1))",
    "**bold**",
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """This module's server (the last test restarts it): the fleet example twice, as the
    participants' workshop and as the projector's."""
    folder = tmp_path_factory.mktemp("live_parts")
    db = folder / "live.duckdb"
    codes = {wid: import_workshop(db, demo.example("fleet"), wid) for wid in (ROOM, SCREEN)}
    srv = Server(db, folder / "server.log")
    srv.codes = codes
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


class Person:
    """One participant in a browser context of their own."""

    def __init__(self, server: Server, browser, name: str, device: dict, workshop: str = ROOM):
        self.server = server
        self.context = browser.new_context(**device)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(f"{server.url}/?join={server.codes[workshop][0]}&name={name}")
        self.page.wait_for_url("**t=*", timeout=30000)
        self.token = self.page.url.split("t=")[1].split("&")[0]

    def open(self, path: str) -> None:
        self.page.goto(f"{self.server.url}/{path}?t={self.token}")

    def process(self) -> None:
        """The process page, its board drawn with its stream open and the quick add ready."""
        self.open("process")
        self.page.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=30000)
        self.page.locator(".st-key-add_step_text input").wait_for(timeout=30000)

    def add_step(self, text: str) -> None:
        self.page.locator(".st-key-add_step_text input").fill(text)
        self.page.locator(".st-key-add_step_submit button").click()

    def step(self, text: str):
        """The step with ``text`` on this person's board."""
        return self.page.locator(f"{BOARD} li[data-step]", has_text=text)

    def runs(self) -> dict[str, int]:
        return self.server.runs(self.token)

    def close(self) -> None:
        self.context.close()


def _settled_runs(person: Person, quiet: float = 2.0, timeout: float = 60.0) -> dict[str, int]:
    """The person's run counts once their page has stopped running for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last, since = person.runs(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = person.runs()
        if (now["run"], now["asked"]) != (last["run"], last["asked"]):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"the page of {person.token} never stopped running: {last}")


def _ran_nothing_since(person: Person, before: dict[str, int]) -> None:
    """The person's page ran no script since ``before``: nothing can show that a run did not
    happen, so this waits as long as a run the page asked for would take to start."""
    time.sleep(ASK_WINDOW)
    after = person.runs()
    assert (after["run"], after["asked"]) == (before["run"], before["asked"]), (before, after)


def _wait_until(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _no_errors(server: Server, *people: Person) -> None:
    for person in people:
        assert person.page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def _fill_and_submit(field, text: str) -> None:
    """Type ``text`` in a form's field and send the form with Enter (a click on the form's
    button just below an expander that is still opening could land beside it on a busy
    machine: no run, nothing sent)."""
    field.fill(text)
    field.press("Enter")


def _stamp() -> str:
    return str(time.time_ns())[-9:]


def test_a_step_reaches_the_other_board_with_no_script_run(live, browser):
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", PHONE)
    try:
        lars.process()
        anna.process()
        before = _settled_runs(lars)
        assert before["run"] >= 1  # the counter sees his page's runs

        text = f"Board discusses the budget {_stamp()}"
        anna.add_step(text)
        lars.step(text).wait_for(timeout=20000)  # on his board, no reload
        anna.step(text).wait_for(timeout=20000)  # and on Anna's own
        _wait_until(lambda: anna.page.locator(".st-key-add_step_text input").input_value() == "", "the quick add cleared")

        _ran_nothing_since(lars, before)
        board = lars.page.locator(BOARD)
        assert board.get_attribute("data-stream") == "open"
        assert int(board.get_attribute("data-v")) > 0
        assert anna.runs()["run"] > 0  # Anna's click was a run of her page (the counter works)
        _no_errors(live, anna, lars)
    finally:
        anna.close()
        lars.close()


def test_a_note_on_a_card_reaches_the_other_board(live, browser):
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", PHONE)
    try:
        lars.process()
        anna.process()
        step = anna.page.locator(f"{BOARD} li[data-step]").first
        step_id = step.get_attribute("data-step")
        before = _settled_runs(lars)

        anna.page.locator(f"{BOARD} button[data-note-for='{step_id}']").click()
        composer = anna.page.locator(f"{BOARD} li[data-step='{step_id}'] form.kk-composer")
        composer.locator("textarea").fill(text := f"Ask who signs off {_stamp()}")
        composer.locator("button[type='submit']").click()

        note = lars.page.locator(f"{BOARD} li[data-step='{step_id}'] [data-note]", has_text=text)
        note.wait_for(timeout=20000)
        assert "Anna" in note.inner_text()  # with its author's name
        anna.page.locator(f"{BOARD} li[data-step='{step_id}'] [data-note]", has_text=text).wait_for(timeout=20000)
        assert anna.page.locator(f"{BOARD} form.kk-composer").count() == 0  # the form closed
        _ran_nothing_since(lars, before)
        _no_errors(live, anna, lars)
    finally:
        anna.close()
        lars.close()


def test_a_new_stage_reaches_the_board_and_the_forms_that_list_stages(live, browser):
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", LAPTOP)  # his sidebar (the note form) is open
    try:
        lars.process()
        anna.process()
        before = _settled_runs(lars)

        stage = f"Pilot in one depot {_stamp()}"
        anna.page.locator("[data-testid='stExpander'] summary", has_text="Add a buying stage").click()
        _fill_and_submit(anna.page.locator("[class*='st-key-add_stage-name'] input"), stage)

        lars.page.locator(f"{BOARD} [data-stage]", has_text=stage).wait_for(timeout=20000)  # on his board
        # his page asked for one run (its forms list the stages), and got it
        _wait_until(lambda: lars.runs()["asked"] > before["asked"], "Lars's page asking for a run", timeout=30)
        lars.page.locator(".st-key-add_step_stage").click()
        lars.page.keyboard.type("Pilot in one")
        lars.page.get_by_role("option", name=stage).wait_for(timeout=20000)  # in the quick add
        lars.page.keyboard.press("Escape")
        lars.page.locator("[class*='st-key-process-note_about']").click()
        lars.page.keyboard.type("Pilot in one")
        lars.page.get_by_role("option", name=f"stage: {stage}").wait_for(timeout=20000)  # and the note form
        lars.page.keyboard.press("Escape")
        # the note form offers stages and the whole workshop, not steps (those are on the cards)
        lars.page.locator("[class*='st-key-process-note_about']").click()
        options = lars.page.get_by_role("option").all_inner_texts()
        lars.page.keyboard.press("Escape")
        assert options and all(o.startswith("stage: ") or o == "The whole workshop" for o in options), options
        _no_errors(live, anna, lars)
    finally:
        anna.close()
        lars.close()


def _shadow_report(page) -> dict:
    """What the live parts' shadow roots hold: the elements a payload could have made, and
    whether any ``strong`` holds the Markdown payload's word."""
    return page.evaluate(
        """() => {
          const out = {roots: 0, elements: [], bold: 0};
          for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
            const root = host.shadowRoot;
            if (!root) continue;
            out.roots += 1;
            for (const e of root.querySelectorAll('img, script, a, iframe, object, embed, svg')) out.elements.push(e.outerHTML);
            for (const e of root.querySelectorAll('strong, b, em')) if (e.textContent.includes('bold')) out.bold += 1;
          }
          out.pwned = window.__pwned === undefined ? null : window.__pwned;
          return out;
        }"""
    )


def test_hostile_text_stays_text_in_the_board(live, browser):
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", LAPTOP)
    try:
        lars.process()
        anna.process()
        marker = f"hostile {_stamp()}"
        payload = f"{marker} " + " ".join(HOSTILE)
        anna.add_step(payload)
        anna.step(marker).wait_for(timeout=20000)
        step_id = anna.step(marker).get_attribute("data-step")
        anna.page.locator(f"{BOARD} button[data-note-for='{step_id}']").click()
        composer = anna.page.locator(f"{BOARD} form.kk-composer")
        composer.locator("textarea").fill(f"note {payload}")
        composer.locator("button[type='submit']").click()

        note = lars.page.locator(f"{BOARD} li[data-step='{step_id}'] [data-note]", has_text=marker)
        note.wait_for(timeout=20000)
        step_line = lars.page.locator(f"{BOARD} li[data-step='{step_id}'] .kk-step")
        for shown in (step_line.inner_text(), note.inner_text()):
            for p in HOSTILE:
                assert p in shown, (p, shown)  # literally, as typed
        for person in (anna, lars):
            report = _shadow_report(person.page)
            assert report["roots"] >= 2  # the board and the watcher
            assert report["elements"] == [] and report["bold"] == 0, report
            assert report["pwned"] is None
            assert person.dialogs == []
        _no_errors(live, anna, lars)
    finally:
        anna.close()
        lars.close()


def test_the_checklist_shows_exit_criteria_as_still_to_verify(live, browser):
    """Issue 17: the checklist ticked every exit criterion (✔) as if the customer had met it;
    they are what to verify, shown with an open box like the steps."""
    anna = Person(live, browser, "Anna", LAPTOP)
    try:
        anna.process()
        anna.page.locator(".st-key-process_view button", has_text="Checklist").click()
        checklist = anna.page.locator(".kk-live[data-view='board'] .kk-checklist")
        criterion = checklist.locator("p", has_text="Fleet manager has shared fuel-cost figures with the CFO")
        criterion.first.wait_for(timeout=30000)
        assert criterion.first.inner_text().startswith("☐ ")
        assert "✔" not in checklist.inner_text()
    finally:
        anna.close()


def test_the_flowchart_reads_left_to_right_in_the_stages_order(live, browser):
    """Issue 17: the flowchart drew stages bottom to top. Each stage's box (a graphviz cluster)
    starts to the right of the one before it."""
    anna = Person(live, browser, "Anna", LAPTOP)
    try:
        anna.process()
        anna.page.locator(".st-key-process_view button", has_text="Flowchart").click()
        clusters = anna.page.locator("[data-testid='stGraphVizChart'] svg g.cluster")
        clusters.first.wait_for(timeout=30000)
        boxes = [clusters.nth(i).bounding_box() for i in range(clusters.count())]
        assert len(boxes) >= 3
        lefts = [b["x"] for b in boxes]
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), lefts
    finally:
        anna.close()


def test_the_facilitator_key_is_asked_once_per_tab_and_survives_a_reload(live, browser):
    """Issue 17: after a reload the console asked for the key again, in front of the room. It
    is kept in the tab's session storage once it checked out: a reload opens the console; a new
    tab (another session) asks again."""
    host = Person(live, browser, "Fia", LAPTOP)
    try:
        host.open("facilitate")
        field = host.page.locator(".st-key-fac_key input")
        field.wait_for(timeout=30000)
        field.fill(live.codes[ROOM][1])
        field.press("Enter")
        tabs = host.page.locator("[data-testid='stTabs']")
        tabs.wait_for(timeout=30000)
        host.page.reload()
        tabs.wait_for(timeout=30000)  # the console again, no key typed
        assert host.page.locator(".st-key-fac_key input").count() == 0
        other_tab = host.context.new_page()  # a new tab: its own session storage
        other_tab.goto(f"{live.url}/facilitate?t={host.token}")
        other_tab.locator(".st-key-fac_key input").wait_for(timeout=30000)
        other_tab.close()
    finally:
        host.close()


def test_the_board_reads_as_a_journey_and_fits_a_phone(live, browser):
    """Issue 17: the stages wrapped into rows of four; they stand in order in one row that
    scrolls sideways, a long step is cut to three lines with a click to read it all, and on a
    390 px phone the page never scrolls sideways."""
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", PHONE)
    try:
        long_text = "The works council reviews the telematics data policy " + "and every clause of it " * 8 + _stamp()
        anna.process()
        anna.add_step(long_text)
        anna.step(long_text[:40]).wait_for(timeout=20000)
        tops = anna.page.eval_on_selector_all(f"{BOARD} .kk-board > .kk-col", "cols => cols.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().top])")
        assert len(tops) >= 6
        assert len({round(top) for _, top in tops}) == 1  # one row
        assert [left for left, _ in tops] == sorted(left for left, _ in tops)  # in the stages' order
        # every page is listed: no "View 5 more" (Streamlit's own words, English on every screen)
        assert anna.page.locator("[data-testid='stSidebarNavViewButton']").count() == 0
        assert anna.page.locator("[data-testid='stSidebarNav'] a").count() >= 12
        clamp = anna.step(long_text[:40]).locator(".kk-clamp")
        short = clamp.bounding_box()["height"]
        clamp.click()
        _wait_until(lambda: clamp.bounding_box()["height"] > short, "the long step shown in full")
        lars.process()
        for path in ("process", "motives"):
            lars.open(path)
            lars.page.locator("[data-testid='stMainBlockContainer']").wait_for(timeout=30000)
            wide = lars.page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
            assert wide <= 1, (path, wide)
    finally:
        anna.close()
        lars.close()


def test_the_projector_ticks_and_shows_a_revealed_vote(live, browser):
    code, key = live.codes[SCREEN]
    console = Person(live, browser, "Facilitator", LAPTOP, SCREEN)
    anna = Person(live, browser, "Anna", LAPTOP, SCREEN)
    screen_context = browser.new_context(viewport={"width": 1600, "height": 1000})
    screen = screen_context.new_page()
    try:
        console.open("facilitate")
        console.page.locator(".st-key-fac_key input").fill(key)
        console.page.locator(".st-key-fac_key input").press("Enter")
        console.page.get_by_role("tab", name="Phases").wait_for(timeout=30000)
        screen.goto(f"{live.url}/present?w={SCREEN}&code={code}")  # the projector has not joined
        screen.locator(".kk-live[data-view='watch'][data-stream='open']").wait_for(state="attached", timeout=30000)  # it draws nothing

        # a timed round: the projector's big countdown ticks with the server's clock
        console.page.get_by_role("tab", name="Timed round").click()
        console.page.locator(".st-key-fac_timer_prompt input").fill(prompt := "Sketch the ideal first meeting")
        console.page.get_by_role("button", name="Start the timer").click()
        screen.get_by_text(prompt).first.wait_for(timeout=30000)  # the page ran again for the new round
        clock = screen.locator(".kk-live.kk-big[data-view='clock'] [role='timer']")
        clock.wait_for(timeout=30000)
        first = clock.inner_text()
        assert re.fullmatch(r"⏱ \d+:\d\d", first), first
        _wait_until(lambda: clock.inner_text() != first, "the countdown to tick", timeout=60)

        # a dot vote: hidden until the reveal, then ranked in the results part
        console.page.get_by_role("tab", name="Dot vote").click()
        type_number(console.page, ".st-key-fac_vote_budget", "3")
        console.page.locator(".st-key-fac_vote_prompt input").fill(vote := "Which objection weighs most?")
        console.page.get_by_role("button", name="Start the dot vote").click()
        screen.get_by_text(vote).first.wait_for(timeout=30000)
        results = screen.locator(".kk-live[data-view='results']")
        results.get_by_text("The results are shown when the facilitator reveals them").wait_for(timeout=30000)
        anna.open("process")
        anna.page.get_by_text("You have 3 of 3 dots left").wait_for(timeout=30000)
        for left in (2, 1):
            anna.page.locator(".kk-ballot-row button[data-step='1']").first.click()
            anna.page.get_by_text(f"You have {left} of 3 dots left").wait_for(timeout=20000)
        screen.locator(".kk-live[data-view='clock']").get_by_text(re.compile(r"^1 of \d+ have taken part so far$")).wait_for(timeout=20000)
        assert results.locator(".kk-bars").count() == 0  # still hidden from the room

        console.page.get_by_role("button", name=re.compile("Reveal")).first.click()
        bar = results.locator(".kk-bars [role='listitem']")
        bar.first.wait_for(timeout=20000)
        assert bar.count() >= 1
        assert bar.first.locator(".kk-bar-count").inner_text() == "2"  # both of Anna's dots, ranked first
        assert bar.first.locator(".kk-bar-label").inner_text().strip()
        results.get_by_text("1 people cast 2 dots").wait_for(timeout=30000)
        assert console.dialogs == [] and anna.dialogs == []
        _no_errors(live, console, anna)
    finally:
        screen_context.close()
        console.close()
        anna.close()


def test_a_brainstorms_notes_reach_every_screen_with_no_script_run(live, browser):
    """An open brainstorm: a note Anna posts is on Bo's round panel and on the projector, from
    the stream (tagged with its round), with its author's name, and Bo's page runs nothing."""
    code, key = live.codes[SCREEN]
    console = Person(live, browser, "Facilitator", LAPTOP, SCREEN)
    anna = Person(live, browser, "Anna", LAPTOP, SCREEN)
    bo = Person(live, browser, "Bo", PHONE, SCREEN)
    screen_context = browser.new_context(viewport={"width": 1600, "height": 1000})
    screen = screen_context.new_page()
    try:
        console.open("facilitate")
        console.page.locator(".st-key-fac_key input").fill(key)
        console.page.locator(".st-key-fac_key input").press("Enter")
        console.page.get_by_role("tab", name="Brainstorm").click()
        console.page.locator(".st-key-fac_bs_prompt input").fill(prompt := f"What keeps them awake {_stamp()}")
        console.page.get_by_role("button", name="Start the brainstorm").click()
        screen.goto(f"{live.url}/present?w={SCREEN}&code={code}")
        screen.get_by_text(prompt).first.wait_for(timeout=30000)
        for person in (anna, bo):
            person.open("process")
            person.page.get_by_text(prompt).first.wait_for(timeout=30000)
            person.page.locator(".kk-live[data-view='results'][data-stream='open']").wait_for(state="attached", timeout=30000)
        before = _settled_runs(bo)

        area = anna.page.locator("[class*='st-key-brainstorm'] textarea").first
        area.fill(idea := f"Fuel bills in the winter {_stamp()}")
        anna.page.get_by_role("button", name="Post the note").click()
        for page in (bo.page, screen):
            line = page.locator(".kk-live[data-view='results'] .kk-note-line", has_text=idea)
            line.wait_for(timeout=20000)
            assert "Anna" in line.inner_text()
        _ran_nothing_since(bo, before)
        _no_errors(live, console, anna, bo)
    finally:
        screen_context.close()
        for person in (console, anna, bo):
            person.close()


def test_a_page_drawn_by_streamlit_follows_through_an_asked_run(live, browser):
    anna = Person(live, browser, "Anna", LAPTOP)
    lars = Person(live, browser, "Lars", LAPTOP)
    try:
        for person in (anna, lars):
            person.open("group")
            person.page.locator(".kk-live[data-view='watch'][data-stream='open']").wait_for(state="attached", timeout=30000)  # it draws nothing
        before = _settled_runs(lars)

        role = f"Head of depot {_stamp()}"
        anna.page.locator("[data-testid='stExpander'] summary", has_text="Add a role").click()
        _fill_and_submit(anna.page.locator("[class*='st-key-add_role-name'] input"), role)
        anna.page.get_by_text(role).first.wait_for(timeout=20000)

        lars.page.get_by_text(role).first.wait_for(timeout=30000)  # no reload: his page ran again
        after = _wait_until(lambda: (r := lars.runs())["asked"] > before["asked"] and r, "Lars's asked run")
        assert after["run"] > before["run"]
        _no_errors(live, anna, lars)
    finally:
        anna.close()
        lars.close()


# the stream's state on the board, recorded every 100 ms in the page (the test is busy
# restarting the server meanwhile)
RECORD_STREAM = """() => {
  window.__kkNotReloaded = true;
  window.__kkStreams = [];
  const sample = () => {
    for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
      const root = host.shadowRoot && host.shadowRoot.querySelector(".kk-live[data-view='board']");
      if (!root) continue;
      const s = root.dataset.stream, seen = window.__kkStreams;
      if (seen[seen.length - 1] !== s) seen.push(s);
    }
  };
  sample();
  setInterval(sample, 100);
}"""


def test_an_open_page_reconnects_after_a_server_restart(live, browser):
    """Last in this module: it restarts the module's server."""
    lars = Person(live, browser, "Lars", PHONE)
    anna = None
    try:
        lars.process()
        lars.page.evaluate(RECORD_STREAM)
        started = time.monotonic()
        live.restart(pause=2.0)  # SIGTERM, two seconds with nothing listening, started again
        restarted = time.monotonic() - started
        assert live.stopped_with == -signal.SIGTERM, live.stopped_with  # not killed: open pages let it stop
        anna = Person(live, browser, "Anna", LAPTOP)  # a page opened after the restart
        anna.process()
        text = f"Legal reads the contract {_stamp()}"
        anna.add_step(text)
        anna.step(text).wait_for(timeout=20000)

        lars.step(text).wait_for(timeout=60000)  # his page, open all along, shows it
        lars.page.locator(f"{BOARD}[data-stream='open']").wait_for(timeout=30000)
        assert lars.page.evaluate("window.__kkNotReloaded") is True  # the same page: no reload
        seen = lars.page.evaluate("window.__kkStreams")
        print(f"server restart: {restarted:.1f} s; the board's stream meanwhile: {seen}")
        assert seen[0] == "open" and seen[-1] == "open" and any(s != "open" for s in seen), seen
        assert "--- restarted by the test ---" in live.log_text()
    finally:
        lars.close()
        if anna is not None:
            anna.close()
