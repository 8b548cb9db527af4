"""axe-core in the browser tests: inject it into a page and fail on serious or critical problems.

axe-core comes from npm (``tests/package.json``, installed by ``scripts/setup_node.sh``, which
the test command runs) and is injected with Playwright's ``add_script_tag``: nothing is fetched
at run time. The rules are WCAG 2.0 and 2.1, levels A and AA. Only violations of impact
"serious" or "critical" fail a test (issue 17, item 7); each is reported with its rule id, the
elements it found (CSS selectors) and axe's help text, so a failure says what to fix.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary || ''})),
  }));
}"""


def violations(page) -> list[dict]:
    """Every WCAG A/AA violation axe finds on ``page`` as it is now (any impact)."""
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run scripts/setup_node.sh (the README's test command does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_RUN, TAGS)


def describe(found: list[dict]) -> str:
    """One block per violation: id, impact, help, and each element's selector and summary."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            summary = " ".join(node["summary"].split())
            lines.append(f"  {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"  ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    """No serious or critical violation on ``page``; the message lists each one found."""
    bad = [v for v in violations(page) if v["impact"] in FAILING]
    assert not bad, f"axe found serious or critical problems on {where or page.url}:\n{describe(bad)}"


_SEMANTICS_SET = """() => {
  const ul = document.querySelector('ul[data-testid="stSidebarNavItems"]');
  return !ul || ul.getAttribute('role') === 'none';
}"""


def settled(page) -> None:
    """The page's script has finished (no running indicator, nothing stale), every live part
    has its state (``data-v``) and the app's document part has run (:mod:`ui.a11y`, it loads
    after the script's run), so axe sees what a person sees."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60000)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=60000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=60000)
    expect(page.locator(".kk-live:not([data-v])")).to_have_count(0, timeout=60000)
    page.wait_for_function(_SEMANTICS_SET, timeout=60000)
