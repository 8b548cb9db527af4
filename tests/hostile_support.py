"""Open a page on the hostile demo map (HTML, script and Markdown in every text field) and list
the Markdown blocks a page let through as raw HTML (only our own badges may be there)."""

from __future__ import annotations

from workshop import demo
from workshop.services import live
from workshop.services.maps import import_document


def open_hostile(app, page: str):
    doc = demo.hostile_map()
    if not app.store.exists(doc["workshop"]["id"]):
        import_document(app.store, doc)
    me = live.join(app.store, app.store.workshop(doc["workshop"]["id"]).join_code, "Tester", "sales")
    return app.open(page, me=me)


def raw_html_blocks(at) -> list[str]:
    return [m.value for m in at.markdown if m.proto.allow_html]


def assert_no_user_text_in_html(at) -> None:
    """Raw-HTML blocks hold nothing of the hostile texts (they are built from numbers and labels)."""
    for block in raw_html_blocks(at):
        for payload in demo.HOSTILE_TEXTS:
            assert payload[:12] not in block, block
