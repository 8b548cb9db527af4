// Köpkarta's live parts, drawn in the browser (a Streamlit components.v2 component).
//
// Why: rerunning a page's script for every screen on every change tops out near 35 runs a
// second per process. Here a change costs the server one message per screen: the page gives
// each live part a state (what this viewer may see of it) and the part then applies what the
// workshop's event stream sends (/_kopkarta/events), without a script run. See ui/live.py.
//
// This is the module the component loads (web/assets.py serves this folder; the component's
// own code is a small loader). The modules beside it:
//   hub.js     the event stream, one per page and credentials, shared by the page's parts;
//   view.js    what every part shares: settings and state from the page, the stream's
//              messages, the state read again (/_kopkarta/live), asking for a run of the page;
//              on its own, the page's watcher (draws nothing; asks for a run when the page's
//              structure changed, or what its rerun rule names);
//   board.js   the process board and the sticky notes put on its cards;
//   ballot.js  a dot vote's ballot (the viewer's own dots);
//   round.js   the round's countdown and who has taken part; what a round shows everyone;
//   dom.js     elements made with text only.
//
// Every text that people typed is set with textContent, never as markup.

import { BallotView } from "./ballot.js";
import { BoardView } from "./board.js";
import { ClockView, ResultsView } from "./round.js";
import { View } from "./view.js";

const KINDS = { watch: View, board: BoardView, dots: BallotView, clock: ClockView, results: ResultsView };
const VIEWS = new WeakMap();
// the style sheet beside this module, at the same version (see web/assets.py)
const STYLE = new URL(`live.css${new URL(import.meta.url).search}`, import.meta.url).href;

// Streamlit calls this when the part is first drawn and again whenever the page draws it with
// new data (``{"cfg": settings, "live": {"structure", "state"}}``, see ui/live.py), on the same
// parent element: the part is kept and configured again
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let given;
  try {
    given = typeof data === "string" ? JSON.parse(data) : data;
  } catch (err) {
    return undefined;
  }
  if (!given || !given.cfg || !KINDS[given.cfg.view]) return undefined;
  let view = VIEWS.get(parentElement);
  if (!view || view.constructor !== KINDS[given.cfg.view]) {
    if (view) view.close();
    view = new KINDS[given.cfg.view](parentElement, STYLE);
    VIEWS.set(parentElement, view);
  }
  view.configure(given.cfg, given.live || {}, setTriggerValue);
  return () => {
    view.close();
    VIEWS.delete(parentElement);
  };
}
