// Köpkarta's live parts, drawn in the browser (a Streamlit components.v2 component).
//
// Why: rerunning a page's script for every screen on every change tops out near 35 runs a
// second per process. Here a change costs the server one message per screen: the page gives
// each live part a state (what this viewer may see of it) and the part then applies what the
// workshop's event stream sends (/_kopkarta/events), without a script run. See ui/live.py.
//
// Words used here:
//   hub   one event stream per page and credentials, shared by every live part of the page
//         (module state: Streamlit imports this module once and calls the default export
//         again with new data, on the same parent element, when the page is drawn again);
//   view  one live part: "watch" (draws nothing; asks the page to rerun when its structure
//         changed), "board" (the process board), "clock" (the round's countdown and who has
//         taken part), "results" (what a round shows everyone);
//   read  the part's state read again from /_kopkarta/live (after a reconnect, or a change
//         the stream only names as "read again").
//
// Every text that people typed is set with textContent, never as markup.

const STREAM = "/_kopkarta/events";
const STATE = "/_kopkarta/live";
const HUBS = new Map();
const VIEWS = new WeakMap();
// a hub nobody uses any more (the page changed) stays open this long for the next page
const LINGER_MS = 10000;
// a disconnected stream shows it after this long (a phone waking up reconnects at once)
const SHOW_OFFLINE_MS = 3000;
// while the stream is down, parts read their state this often
const OFFLINE_READ_MS = 15000;
// the server pings every 15 s of silence: a stream silent for this long is dead (a phone that
// slept, a network that dropped it without a word) and is opened again
const SILENT_MS = 40000;
// a run a part asks for waits while the page is running a run of the viewer's own, and this
// long after the viewer's last click or key (the click's run may not have started yet) ...
const QUIET_MS = 1500;
// ... but not longer than this (a page that never settles still gets its run)
const BUSY_WAIT_MS = 20000;

// Why the wait: Streamlit drops a click when another run is asked for before the running
// script has reached the clicked button (the newer run starts over without the click). The
// facilitator's "Reveal" was lost so to the run that a participant's dot made the console's
// watcher ask for.
let lastInput = 0;
for (const type of ["pointerdown", "keydown", "change", "submit"]) {
  document.addEventListener(type, () => {
    lastInput = Date.now();
  }, true);
}

function pageBusy() {
  if (Date.now() - lastInput < QUIET_MS) return true;
  // the page's script state, as Streamlit's frontend shows it on its root (absent: not busy)
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute("data-test-script-state") : null;
  return state === "running" || state === "rerunRequested";
}

function node(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function byPos(a, b) {
  return a.pos - b.pos;
}

// -- the stream, one per page and credentials --------------------------------------------------
class Hub {
  constructor(key, base, auth) {
    this.key = key;
    this.base = base || "";
    this.auth = auth;
    this.views = new Set();
    this.status = "connecting";
    this.since = Date.now();
    this.room = 1;
    this.retry = 1000;
    this.linger = null;
    this.es = null;
    this.connect();
    this.watchdog();
  }

  url(path, extra) {
    const q = new URLSearchParams(Object.assign({}, this.auth, extra || {}));
    return `${this.base}${path}?${q.toString()}`;
  }

  connect() {
    if (this.es) this.es.close();
    const es = new EventSource(this.url(STREAM));
    this.es = es;
    this.setStatus("connecting");
    es.addEventListener("open", () => {
      this.retry = 1000;
      this.setStatus("open");
    });
    this.heard = Date.now();
    es.addEventListener("ping", () => {
      this.heard = Date.now();
    });
    es.addEventListener("change", (event) => {
      this.heard = Date.now();
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (typeof msg.n === "number") this.room = msg.n;
      for (const view of this.views) view.receive(msg);
    });
    es.addEventListener("error", () => {
      if (es.readyState === EventSource.CLOSED) {
        // refused or broken for good: the browser will not try again by itself
        this.setStatus("closed");
        setTimeout(() => {
          if (this.es === es && this.views.size) this.connect();
        }, this.retry);
        this.retry = Math.min(this.retry * 2, 15000);
      } else {
        this.setStatus("connecting");
      }
    });
  }

  watchdog() {
    clearInterval(this.dog);
    this.dog = setInterval(() => {
      if (this.views.size && Date.now() - this.heard > SILENT_MS) this.connect();
    }, SILENT_MS / 4);
  }

  setStatus(status) {
    if (status !== this.status) this.since = Date.now();
    this.status = status;
    for (const view of this.views) view.streamStatus(status);
  }

  add(view) {
    clearTimeout(this.linger);
    this.views.add(view);
    if (!this.es || this.es.readyState === EventSource.CLOSED) this.connect();
    view.streamStatus(this.status);
  }

  remove(view) {
    this.views.delete(view);
    if (this.views.size) return;
    clearTimeout(this.linger);
    this.linger = setTimeout(() => {
      if (!this.views.size) {
        if (this.es) this.es.close();
        clearInterval(this.dog);
        HUBS.delete(this.key);
      }
    }, LINGER_MS);
  }
}

function hubFor(base, auth) {
  const key = `${base}|${JSON.stringify(auth)}`;
  let hub = HUBS.get(key);
  if (!hub) {
    hub = new Hub(key, base, auth);
    HUBS.set(key, hub);
  }
  return hub;
}

// -- one live part ------------------------------------------------------------------------------
// the style sheet beside this module, at the same version (see web/assets.py)
const STYLE = new URL(`live.css${new URL(import.meta.url).search}`, import.meta.url).href;

class View {
  constructor(parent) {
    this.parent = parent;
    this.root = node("div", "kk-live");
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = STYLE;
    parent.append(style, this.root);
    this.style = style;
    this.cfg = null;
    this.hub = null;
    this.v = -1;
    this.elements = new Map();
    this.roundState = null;
    this.receivedAt = 0;
    this.pendingDraw = false;
    this.reading = null;
    this.buffer = [];
    this.asked = null;
    this.askedStructure = null;
    this.tick = null;
    this.offlineTimer = null;
    this.cued = new Set();
  }

  // the page drew this part again (its own run): new settings, maybe a newer state
  configure(cfg, live, trigger) {
    const first = this.cfg === null;
    this.cfg = cfg;
    this.trigger = trigger;
    clearTimeout(this.asked);
    this.asked = null;
    this.root.dataset.view = cfg.view;
    const hub = hubFor(cfg.base, cfg.auth);
    if (hub !== this.hub) {
      if (this.hub) this.hub.remove(this);
      this.hub = hub;
      hub.add(this);
    }
    const state = live.state;
    if (!state) {
      // the page did not send the state again (the part was on the screen already and kept
      // itself up to date); a part that has none reads it
      if (first) this.read();
      else this.draw();
    } else if (first || state.v >= this.v) this.load(state);
    else this.draw();
    // the map moved on between the page's run and the reading of this state
    if (live.structure && live.structure !== cfg.structure) this.structureChanged(live.structure);
  }

  close() {
    clearInterval(this.tick);
    clearInterval(this.offlineTimer);
    if (this.hub) this.hub.remove(this);
    this.hub = null;
  }

  load(state) {
    this.v = state.v;
    this.root.dataset.v = String(state.v);
    if (this.cfg.view === "board") {
      this.elements = new Map((state.elements || []).map((e) => [e.id, e]));
    } else if (this.cfg.view === "clock" || this.cfg.view === "results") {
      this.roundState = state;
      this.receivedAt = Date.now();
    } else if (this.cfg.view === "dots") {
      this.ballot = state; // what the server stored: my clicks since are still on their way
      this.pendingDots = new Map(
        [...(this.pendingDots || new Map())].filter(([id, sent]) => sent.at > Date.now() - 5000 && state.mine[id] !== sent.dots),
      );
    }
    this.draw();
  }

  streamStatus(status) {
    this.root.dataset.stream = status;
    clearInterval(this.offlineTimer);
    if (status !== "open" && this.cfg && this.cfg.view !== "dots") {
      // the stream is down: read the state now and then, so the screen does not stand still,
      // and say so if it stays down
      this.offlineTimer = setInterval(() => this.read(), OFFLINE_READ_MS);
      setTimeout(() => this.scheduleDraw(), SHOW_OFFLINE_MS + 50);
    }
    this.scheduleDraw();
  }

  // -- what the stream sends ----------------------------------------------------------------
  receive(msg) {
    if (this.cfg.view === "dots") return; // a ballot holds only the viewer's own dots: from the page
    if (this.reading) {
      this.buffer.push(msg);
      return;
    }
    if (msg.read) {
      if (msg.hello && msg.v === this.v) return; // reconnected and nothing was missed
      this.read();
      return;
    }
    if (msg.voted) {
      if (this.cfg.rerun && this.cfg.rerun.voted) this.askRerun("voted");
      if (this.roundState && this.roundState.round && this.roundState.round.no === msg.round) {
        this.roundState.voted = msg.voted;
        if (this.cfg.view === "results") this.readSoon();
        this.scheduleDraw();
      }
      return;
    }
    if (msg.v <= this.v) return; // already in the state this part was given
    this.apply(msg);
  }

  apply(msg) {
    const rerun = this.cfg.rerun || {};
    const kinds = rerun.kinds || [];
    const ids = rerun.ids || [];
    let structural = !!rerun.any;
    for (const e of msg.put || []) {
      if (kinds.includes(e.kind)) structural = true;
      if (this.cfg.view === "board") this.elements.set(e.id, e);
    }
    for (const id of msg.remove || []) {
      if (ids.includes(id)) structural = true;
      if (this.cfg.view === "board") this.elements.delete(id);
    }
    this.v = msg.v;
    this.root.dataset.v = String(msg.v);
    if (structural) this.askRerun("content");
    if (this.cfg.view === "results") this.readSoon(); // derived from the map: read it again
    else if (this.cfg.view === "clock" && this.roundState) {
      // someone joined: one more who may take part
      const people = new Set(this.roundState.people || []);
      for (const e of msg.put || []) if (e.kind === "participant") people.add(e.id);
      this.roundState.people = [...people];
      this.scheduleDraw();
    } else this.scheduleDraw();
  }

  // -- reading the state again --------------------------------------------------------------
  readSoon() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.read(), 250);
  }

  read() {
    if (this.reading || !this.hub) return;
    const query = Object.assign({}, this.cfg.query || { view: this.cfg.view });
    const url = this.hub.url(STATE, query);
    this.reading = fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then((r) => {
        // refused: the workshop was deleted (or the link is no longer valid): the page says so
        if (r.status === 403 || r.status === 404) this.structureChanged(`gone:${r.status}`);
        return r.ok ? r.json() : Promise.reject(new Error(`${r.status}`));
      })
      .then((answer) => {
        if (answer.structure !== this.cfg.structure) this.structureChanged(answer.structure);
        if (answer.state && answer.state.v >= this.v) this.load(answer.state);
      })
      .catch(() => {
        // the server restarting: the next reconnect (or the reading while offline) catches up
      })
      .finally(() => {
        this.reading = null;
        const waiting = this.buffer;
        this.buffer = [];
        for (const msg of waiting) this.receive(msg);
      });
  }

  structureChanged(structure) {
    if (this.askedStructure === structure) return; // asked once for it already
    this.askedStructure = structure;
    if (this.cfg.view === "watch") this.askRerun("structure");
  }

  // the page itself must be drawn again: ask Streamlit for a run, spread over a moment in a
  // full room (everyone asks at the same change), and not while a run of the viewer's own
  // may be under way (see pageBusy)
  askRerun(why) {
    if (!this.trigger || this.asked) return;
    const spread = Math.min(4000, 25 * (this.hub ? this.hub.room : 1));
    const delay = (why === "structure" ? 0 : 300) + Math.random() * spread;
    const since = Date.now();
    const fire = () => {
      if (pageBusy() && Date.now() - since < BUSY_WAIT_MS) {
        this.asked = setTimeout(fire, 200);
        return;
      }
      this.trigger("rerun", { why, v: this.v, at: Date.now() });
      // a run that draws the same data calls no configure(): allow the next ask a bit later
      setTimeout(() => {
        this.asked = null;
      }, 2000);
    };
    this.asked = setTimeout(fire, delay);
  }

  // -- drawing ------------------------------------------------------------------------------
  scheduleDraw() {
    if (this.pendingDraw) return;
    this.pendingDraw = true;
    requestAnimationFrame(() => {
      this.pendingDraw = false;
      this.draw();
    });
  }

  draw() {
    if (!this.cfg) return;
    const view = this.cfg.view;
    const offline = this.hub && this.hub.status !== "open" && Date.now() - this.hub.since > SHOW_OFFLINE_MS;
    if (!this.banner) {
      this.banner = node("p", "kk-gray kk-offline");
      this.content = node("div", "kk-content");
      this.root.replaceChildren(this.banner, this.content);
    }
    this.banner.hidden = !(offline && view !== "watch");
    this.banner.textContent = this.banner.hidden ? "" : this.text("live.reconnecting");
    if (view === "board") this.drawBoard();
    else if (view === "dots") this.drawBallot();
    else if (view === "clock") this.content.replaceChildren(...this.clock());
    else if (view === "results") this.content.replaceChildren(...this.results());
    this.root.classList.toggle("kk-big", !!(this.cfg.options && this.cfg.options.big));
    this.ticking(view === "clock" && this.running());
  }

  text(key, values) {
    const t = (this.cfg.texts || {})[key];
    return values ? fill(t, values) : t || "";
  }

  // -- the process board ----------------------------------------------------------------------
  of(kind, parent) {
    const out = [];
    for (const e of this.elements.values()) if (e.kind === kind && (parent === undefined || e.parent === parent)) out.push(e);
    return out.sort(byPos);
  }

  // the board is drawn column by column: a column whose stage, steps and notes did not change
  // keeps its nodes (what a viewer is selecting or typing there stays as it is)
  drawBoard() {
    const seg = this.cfg.query.seg || (this.cfg.state && this.cfg.state.segment);
    const stages = this.of("stage", seg);
    this.roles = new Map(this.of("role", seg).map((r) => [r.id, r.data.name]));
    this.people = new Map(this.of("participant").map((p) => [p.id, p.data.name]));
    this.notes = new Map();
    for (const n of this.of("note")) {
      const about = n.data.about;
      if (!about) continue;
      if (!this.notes.has(about)) this.notes.set(about, []);
      this.notes.get(about).push(n);
    }
    const mode = (this.cfg.options || {}).mode === "checklist" ? "checklist" : "columns";
    if (!this.grid || this.grid.dataset.mode !== mode) {
      this.grid = node("div", mode === "columns" ? "kk-board" : "kk-checklist");
      this.grid.dataset.mode = mode;
      this.columns = new Map();
    }
    if (!stages.length) {
      this.columns = new Map();
      this.content.replaceChildren(node("div", "kk-info", this.text("process.empty")));
      return;
    }
    if (this.content.firstChild !== this.grid || this.content.childNodes.length !== 1) this.content.replaceChildren(this.grid);
    this.grid.style.setProperty("--kk-per-row", String(stages.length > 4 ? 4 : stages.length));
    const wanted = [];
    const kept = new Map();
    stages.forEach((stage, i) => {
      const steps = this.of("step", stage.id);
      const sig = JSON.stringify([
        i, stage.data, this.noteSig(stage.id), this.names(),
        steps.map((st) => [st.id, st.data, this.noteSig(st.id)]), this.composing && this.composing.about,
      ]);
      const old = this.columns.get(stage.id);
      let col = old && old.sig === sig ? old.node : null;
      if (!col) {
        col = mode === "columns" ? this.column(i, stage, steps) : this.checklistStage(i, stage, steps);
        col.dataset.stage = stage.id;
      }
      kept.set(stage.id, { sig, node: col });
      wanted.push(col);
    });
    this.columns = kept;
    wanted.forEach((col, i) => {
      if (this.grid.children[i] !== col) this.grid.insertBefore(col, this.grid.children[i] || null);
    });
    while (this.grid.children.length > wanted.length) this.grid.lastChild.remove();
    this.placeComposer();
  }

  noteSig(eid) {
    return (this.notes.get(eid) || []).map((n) => [n.id, n.data.text, n.data.author]);
  }

  names() {
    return [...this.roles, ...this.people];
  }

  column(i, stage, steps) {
    const col = node("div", "kk-col");
    col.append(this.stageCard(i, stage, steps), this.sellerCard(stage));
    return col;
  }

  heading(text) {
    const p = node("p", "kk-h");
    p.appendChild(node("strong", null, text));
    return p;
  }

  list(titleKey, items, emptyKey) {
    const out = [];
    if (items && items.length) {
      out.push(this.heading(this.text(titleKey)));
      const ul = node("ul");
      for (const item of items) ul.appendChild(node("li", null, item));
      out.push(ul);
    } else if (emptyKey) {
      out.push(this.heading(this.text(titleKey)));
      out.push(node("p", "kk-gray", `⚠️ ${this.text(emptyKey)}`));
    }
    return out;
  }

  noteLines(eid) {
    return (this.notes.get(eid) || []).map((n) => {
      const who = (n.data.author && this.people.get(n.data.author)) || n.data.author || this.text("notes.anonymous");
      const line = node("div", "kk-gray kk-note", `📝 ${who}: ${n.data.text}`);
      line.dataset.note = n.id;
      return line;
    });
  }

  stepMeta(step) {
    const o = this.cfg.options || {};
    const kind = step.data.kind || (o.defaults || {}).kind || "action";
    const meta = [this.text(`option.step_kind.${kind}`) || kind];
    if (step.data.owner) meta.push(this.roles.get(step.data.owner) || step.data.owner);
    if (step.data.behind_the_scenes) meta.push(`🕶 ${this.text("process.hidden")}`);
    return meta.join(" · ");
  }

  stageCard(i, stage, steps) {
    const d = stage.data;
    const card = node("div", "kk-card");
    const head = this.heading(`${i + 1}. ${d.name}`);
    head.appendChild(this.noteButton(stage.id));
    card.appendChild(head);
    card.appendChild(node("div", "kk-slot")).dataset.slot = stage.id;
    if (d.customer_goal) card.appendChild(node("p", null, `🎯 ${d.customer_goal}`));
    card.append(...this.noteLines(stage.id));
    card.appendChild(this.heading(this.text("process.steps")));
    if (!steps.length) card.appendChild(node("p", "kk-gray", `⚠️ ${this.text("process.no_steps")}`));
    else {
      const ul = node("ul", "kk-steps");
      const icons = (this.cfg.options || {}).icons || {};
      for (const step of steps) {
        const kind = step.data.kind || "action";
        const li = node("li");
        li.dataset.step = step.id;
        const line = node("div", "kk-step", `${icons[kind] || "▸"} ${step.data.text}`);
        line.appendChild(this.noteButton(step.id));
        li.appendChild(line);
        li.appendChild(node("div", "kk-gray", this.stepMeta(step)));
        li.append(...this.noteLines(step.id));
        li.appendChild(node("div", "kk-slot")).dataset.slot = step.id;
        ul.appendChild(li);
      }
      card.appendChild(ul);
    }
    card.append(
      ...this.list("process.exit_criteria", d.exit_criteria, "process.no_exit"),
      ...this.list("process.must_be_true", d.must_be_true),
      ...this.list("process.questions", d.questions),
    );
    return card;
  }

  // -- a sticky note on a card: the viewer's own input, posted through the page ---------------
  noteButton(eid) {
    const span = node("span");
    if (!(this.cfg.options || {}).note) return span;
    const b = node("button", "kk-note-btn", "📝+");
    b.type = "button";
    b.title = this.text("live.note_here");
    b.setAttribute("aria-label", this.text("live.note_here"));
    b.dataset.noteFor = eid;
    b.addEventListener("click", () => this.compose(eid));
    return b;
  }

  compose(eid) {
    if (!this.composer) {
      const form = node("form", "kk-composer");
      const label = node("label", "kk-gray");
      const area = node("textarea");
      area.maxLength = 4000;
      area.rows = 3;
      label.append(document.createTextNode(this.text("notes.text")), area);
      const post = node("button", "kk-primary", this.text("notes.post"));
      post.type = "submit";
      const cancel = node("button", "kk-secondary", this.text("form.cancel"));
      cancel.type = "button";
      cancel.addEventListener("click", () => this.closeComposer());
      const row = node("div", "kk-row");
      row.append(post, cancel);
      form.append(label, row);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = area.value.trim();
        if (!text || !this.composing) return;
        this.trigger("note", { about: this.composing.about, text, at: Date.now() });
        this.closeComposer();
      });
      area.addEventListener("keydown", (event) => {
        if (event.key === "Escape") this.closeComposer();
      });
      this.composer = { form, area };
    }
    if (!this.composing || this.composing.about !== eid) this.composer.area.value = "";
    this.composing = { about: eid };
    this.drawBoard();
    this.composer.area.focus();
  }

  closeComposer() {
    this.composing = null;
    if (this.composer) this.composer.form.remove();
    this.drawBoard();
  }

  // the open note form goes where its card is now (a card drawn anew gets it back, focused)
  placeComposer() {
    if (!this.composer || !this.composing) return;
    const slot = this.grid.querySelector(`[data-slot="${CSS.escape(this.composing.about)}"]`);
    if (!slot) {
      this.composing = null; // the card went
      this.composer.form.remove();
      return;
    }
    if (this.composer.form.parentNode === slot) return;
    const area = this.composer.area;
    const focused = this.parent.activeElement === area;
    const [from, to] = [area.selectionStart, area.selectionEnd];
    slot.appendChild(this.composer.form);
    if (focused) {
      area.focus();
      area.setSelectionRange(from, to);
    }
  }

  sellerCard(stage) {
    const d = stage.data;
    const card = node("div", "kk-card kk-seller");
    card.appendChild(this.heading(this.text("process.seller_side")));
    card.appendChild(node("p", null, `🤝 ${d.seller_stage || "—"}`));
    card.append(
      ...this.list("process.seller_activities", d.seller_activities),
      ...this.list("process.buyer_enablement", d.buyer_enablement, "process.no_enablement"),
    );
    return card;
  }

  checklistStage(i, stage, steps) {
    const box = node("section", "kk-check");
    box.appendChild(node("h3", null, `${i + 1}. ${stage.data.name}`));
    for (const step of steps) {
      const owner = step.data.owner ? ` (${this.roles.get(step.data.owner) || step.data.owner})` : "";
      const hidden = step.data.behind_the_scenes ? " 🕶" : "";
      box.appendChild(node("p", "kk-mono", `☐ ${step.data.text}${owner}${hidden}`));
    }
    box.appendChild(this.heading(this.text("process.exit_criteria")));
    const crit = stage.data.exit_criteria || [];
    for (const c of crit) box.appendChild(node("p", "kk-mono", `✔ ${c}`));
    if (!crit.length) box.appendChild(node("p", "kk-gray", `⚠️ ${this.text("process.no_exit")}`));
    return box;
  }

  // -- a dot vote's ballot: my own dots, stored through the page ------------------------------
  myDots() {
    const mine = Object.assign({}, (this.ballot && this.ballot.mine) || {});
    for (const [id, sent] of this.pendingDots || []) mine[id] = sent.dots;
    return mine;
  }

  drawBallot() {
    const b = this.ballot;
    if (!b) return;
    const mine = this.myDots();
    const used = Object.values(mine).reduce((a, n) => a + n, 0);
    const left = Math.max(0, b.budget - used);
    if (!this.ballotNodes) {
      this.ballotNodes = { head: node("p", "kk-h"), rows: node("div", "kk-ballot"), byId: new Map() };
      this.ballotNodes.head.appendChild(node("strong"));
      this.content.replaceChildren(this.ballotNodes.head, this.ballotNodes.rows);
    }
    const { head, rows, byId } = this.ballotNodes;
    head.firstChild.textContent = this.text("rounds.dots_left", { left, budget: b.budget });
    rows.setAttribute("aria-label", this.text("rounds.your_dots"));
    const wanted = [];
    for (const el of b.elements) {
      let r = byId.get(el.id);
      if (!r) {
        r = { row: node("div", "kk-ballot-row"), label: node("span", "kk-ballot-label"), marks: node("span", "kk-marks") };
        r.minus = this.dotButton(el.id, -1, "−", this.text("rounds.take_dot"));
        r.plus = this.dotButton(el.id, +1, "+", this.text("rounds.give_dot"));
        r.row.dataset.dots = el.id;
        r.row.append(r.label, r.marks, r.minus, r.plus);
        byId.set(el.id, r);
      }
      const n = mine[el.id] || 0;
      r.label.textContent = el.label;
      r.marks.textContent = n <= 5 ? "●".repeat(n) : `● × ${n}`;
      r.row.dataset.mine = String(n);
      r.minus.disabled = n <= 0;
      r.plus.disabled = left <= 0 || n >= b.max;
      wanted.push(r.row);
    }
    wanted.forEach((row, i) => {
      if (rows.children[i] !== row) rows.insertBefore(row, rows.children[i] || null);
    });
    while (rows.children.length > wanted.length) rows.lastChild.remove();
  }

  dotButton(eid, step, label, title) {
    const b = node("button", "kk-dot", label);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.dataset.step = String(step);
    b.addEventListener("click", () => {
      const n = (this.myDots()[eid] || 0) + step;
      if (n < 0) return;
      this.pendingDots = this.pendingDots || new Map();
      this.pendingDots.set(eid, { dots: n, at: Date.now() });
      this.drawBallot(); // at once on the screen; the page stores it
      this.trigger("dot", { about: eid, dots: n, at: Date.now() });
    });
    return b;
  }

  // -- the round's countdown and who has taken part -------------------------------------------
  remaining() {
    const r = this.roundState && this.roundState.round;
    if (!r || r.remaining === null || r.remaining === undefined) return null;
    if (!r.running) return r.remaining;
    return r.remaining - (Date.now() - this.receivedAt) / 1000;
  }

  running() {
    const r = this.roundState && this.roundState.round;
    return !!(r && r.open && r.running && r.remaining !== null && r.remaining > 0);
  }

  ticking(on) {
    if (on && !this.tick) this.tick = setInterval(() => this.draw(), 250);
    else if (!on && this.tick) {
      clearInterval(this.tick);
      this.tick = null;
    }
  }

  clock() {
    const s = this.roundState;
    const r = s && s.round;
    if (!r || !r.open) return [];
    const out = [];
    const left = this.remaining();
    if (left === null) out.push(node("p", "kk-gray", this.text("rounds.no_timer")));
    else {
      const whole = Math.max(0, Math.ceil(left - 1e-9));
      const clock = node("div", "kk-clock", `⏱ ${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`);
      clock.setAttribute("role", "timer");
      out.push(clock);
      if (r.paused) out.push(node("div", "kk-info", this.text("rounds.paused")));
      if (whole <= 0) {
        out.push(node("div", "kk-error", `⏰ ${this.text("rounds.time_up")}`));
        this.cue(r.no);
      }
    }
    if (["vote", "rating", "brainstorm"].includes(r.kind)) {
      const voted = (s.voted || []).length;
      out.push(node("p", "kk-gray kk-voted", this.text("live.voted", { voted, people: (s.people || []).length })));
    }
    return out;
  }

  cue(roundNo) {
    const key = `kopkarta-cue:${this.cfg.w}:${roundNo}`;
    if (this.cued.has(key)) return;
    this.cued.add(key);
    try {
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, "1");
    } catch (err) {
      // no storage (private mode): the cue may come again after a reload
    }
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      const ctx = new Ctx();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.35);
    } catch (err) {
      // no sound allowed before the viewer touched the page: the red line is the cue
    }
  }

  // -- what a round shows everyone ------------------------------------------------------------
  results() {
    const s = this.roundState;
    const r = s && s.round;
    if (!r) return [];
    const res = s.results;
    if (!res) return r.hides && !r.revealed ? [node("p", "kk-gray", this.text("rounds.wait_reveal"))] : [];
    if (res.kind === "notes") {
      const out = [];
      if (res.hidden) out.push(node("p", "kk-gray", this.text("rounds.hidden_notes")));
      for (const n of res.notes) {
        const p = node("p", "kk-note-line");
        p.appendChild(node("strong", null, `📝 ${n.who || this.text("notes.anonymous")}`));
        p.appendChild(document.createTextNode(`: ${n.text}`));
        out.push(p);
      }
      return out;
    }
    if (res.kind === "vote") return this.voteBars(res);
    if (!res.lines.length) return [node("p", "kk-gray", this.text("rounds.no_ratings"))];
    return res.lines.map((l) => {
      const by = Object.entries(l.by_function)
        .map(([fn, mean]) => `${this.text(`function.${fn}`) || fn} ${mean.toFixed(1)}`)
        .join("; ");
      const field = this.text(`rounds.field.${l.field}`) || l.field;
      return node("p", "kk-mono", `${l.label} · ${field}: ${l.mean.toFixed(1)} (${l.low}–${l.high}, n=${l.n})${by ? ` — ${by}` : ""}`);
    });
  }

  voteBars(res) {
    const out = [node("p", null, this.text("present.voted", { voters: res.voters, dots: res.dots }))];
    if (!res.lines.length) {
      out.push(node("p", "kk-gray", this.text("rounds.no_votes")));
      return out;
    }
    const functions = [];
    for (const l of res.lines) for (const fn of Object.keys(l.by_function)) if (!functions.includes(fn)) functions.push(fn);
    const most = Math.max(...res.lines.map((l) => l.dots), 1);
    const table = node("div", "kk-bars");
    table.setAttribute("role", "list");
    for (const l of res.lines) {
      const row = node("div", "kk-bar-row");
      row.setAttribute("role", "listitem");
      row.appendChild(node("div", "kk-bar-label", l.label));
      const bar = node("div", "kk-bar");
      for (const fn of functions) {
        const n = l.by_function[fn] || 0;
        if (!n) continue;
        const seg = node("span", `kk-fn kk-fn-${functions.indexOf(fn) % 6}`);
        seg.style.width = `${(100 * n) / most}%`;
        seg.title = `${this.text(`function.${fn}`) || fn}: ${n}`;
        bar.appendChild(seg);
      }
      row.appendChild(bar);
      row.appendChild(node("div", "kk-bar-count", String(l.dots)));
      table.appendChild(row);
    }
    out.push(table);
    const legend = node("div", "kk-legend");
    functions.forEach((fn, i) => {
      const item = node("span", "kk-legend-item");
      item.appendChild(node("span", `kk-swatch kk-fn-${i % 6}`));
      item.appendChild(document.createTextNode(this.text(`function.${fn}`) || fn));
      legend.appendChild(item);
    });
    out.push(legend);
    return out;
  }
}

// Streamlit calls this when the part is first drawn and again whenever the page draws it with
// new data (``{"cfg": settings, "live": {"structure", "state"}}``, see ui/live.py)
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let given;
  try {
    given = typeof data === "string" ? JSON.parse(data) : data;
  } catch (err) {
    return undefined;
  }
  if (!given || !given.cfg || !given.cfg.view) return undefined;
  let view = VIEWS.get(parentElement);
  if (!view) {
    view = new View(parentElement);
    VIEWS.set(parentElement, view);
  }
  view.configure(given.cfg, given.live || {}, setTriggerValue);
  return () => {
    view.close();
    VIEWS.delete(parentElement);
    view.root.remove();
    view.style.remove();
  };
}
