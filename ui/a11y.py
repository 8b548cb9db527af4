"""What Streamlit's page itself gets wrong for assistive technology, put right in the browser.

Why (issue 17, item 7): Streamlit 1.67 serves every page as ``<html lang="en">``, so a screen
reader reads a Swedish or Norwegian page with English pronunciation; and its sidebar
navigation, once it has sections, is a ``<ul>`` whose children are ``<div>`` s holding a
section's header and its ``<li>`` links, which is no list to assistive technology (axe: "list",
"listitem", serious). Neither can be set from Python, so a tiny ``components.v2`` component
(it draws nothing, like :mod:`ui.keep`) sets ``document.documentElement.lang`` to the language
the page is shown in (the workshop's, unless the viewer chose another), and gives the
navigation list semantics: the outer ``<ul>`` becomes a plain container, each section a list
named by its header. Streamlit may draw the navigation again (a page switch, a language), so a
watcher on the sidebar applies it again; it only ever adds attributes, never text.
"""

from __future__ import annotations

import streamlit as st

from workshop.i18n import LANGUAGES

_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.lang) return;
  const root = document.documentElement;
  if (root.lang !== data.lang) root.lang = data.lang;
  const fixNav = () => {
    for (const ul of document.querySelectorAll('ul[data-testid="stSidebarNavItems"]')) {
      const sections = [...ul.children].filter((el) => el.tagName === "DIV");
      if (!sections.length) continue;  // no sections: already a proper list
      if (ul.getAttribute("role") !== "none") ul.setAttribute("role", "none");
      sections.forEach((section, i) => {
        if (section.getAttribute("role") !== "list") section.setAttribute("role", "list");
        const header = section.querySelector("header");
        if (header) {
          if (!header.id) header.id = "kk-nav-section-" + i;
          if (section.getAttribute("aria-labelledby") !== header.id) section.setAttribute("aria-labelledby", header.id);
        }
      });
    }
  };
  fixNav();
  if (!window.__kkNavWatch) {  // once per page load: the sidebar is redrawn, not reloaded
    let queued = false;
    window.__kkNavWatch = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; fixNav(); });
    });
    window.__kkNavWatch.observe(document.body, { childList: true, subtree: true });
  }
}
"""

_DOCUMENT = st.components.v2.component("kopkarta_document", js=_JS)


#: the part draws nothing; its empty box must not take a row's gap at the top of the page
_HIDDEN = "<style>.st-key-kk_document { display: none; }</style>"


def document_semantics(lang: str) -> None:
    """The page's ``lang`` and the navigation's list semantics, in the browser (see above).
    In the main area, not the sidebar: the projector has none (:mod:`ui.projector`)."""
    if lang not in LANGUAGES:
        lang = "en"
    st.html(_HIDDEN)  # a style alone: Streamlit puts it out of the page's flow
    _DOCUMENT(data={"lang": lang}, key="kk_document")
