"""Documents for people (issue 19, item 4): the decision package as PDF and Word, a one-page
summary per segment and an objection-handling battle card, both PDF.

Each document is first written as a short list of neutral *blocks* (:mod:`.blocks`: a title,
headings, paragraphs, labelled fields, lists), made of the workshop's words in its language.
Two writers turn the same blocks into files: :mod:`.pdf` with Typst (the ``typst`` wheel ships
its compiler and its fonts, so it works offline and the same on every machine) and :mod:`.word`
with python-docx (an editable Word file). Since both read data, never markup, a participant's
text is printed as written in both. :mod:`.formats` holds the functions the export registry
(:data:`workshop.exports.FORMATS`) calls.
"""
