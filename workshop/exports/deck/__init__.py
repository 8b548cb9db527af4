"""The slide deck's parts (used by :mod:`workshop.exports.pptx_deck`).

* :mod:`.layout` – 16:9 slides, titles, clipped text and tables continued over slides;
* :mod:`.charts` – native, editable scatter and bar charts;
* :mod:`.swimlane` – the buying process as lanes of native shapes;
* :mod:`.sections` – what each section of the appendix deck says;
* :mod:`.executive` – the executive deck: at most 25 slides, the top items, speaker notes.
"""
