// The current round, drawn in the browser: its countdown from the server's clock (ticking here,
// with a beep and a red line at zero) and who has taken part so far (ClockView); what it shows
// everyone, read again after each change: ranked dots, rating spreads, brainstorm notes
// (ResultsView, the projector's).

import { node } from "./dom.js";
import { View } from "./view.js";

class RoundView extends View {
  loadState(state) {
    this.roundState = state;
    this.receivedAt = Date.now();
  }

  voted(msg) {
    const s = this.roundState;
    if (s && s.round && s.round.no === msg.round) {
      s.voted = msg.voted;
      this.scheduleDraw();
    }
  }
}

export class ClockView extends RoundView {
  constructor(parent, style) {
    super(parent, style);
    this.tick = null;
    this.cued = new Set();
  }

  close() {
    this.ticking(false);
    super.close();
  }

  // someone joined: one more who may take part
  changed(msg) {
    if (!this.roundState) return;
    const people = new Set(this.roundState.people || []);
    for (const e of msg.put || []) if (e.kind === "participant") people.add(e.id);
    this.roundState.people = [...people];
    this.scheduleDraw();
  }

  drawContent() {
    this.content.replaceChildren(...this.clock());
    this.ticking(this.running());
  }

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
}

export class ResultsView extends RoundView {
  // a brainstorm's notes come on the stream (a new note tagged with its round); a vote's or a
  // rating's results are derived from the map and the round: read again (after the reveal)
  changed(msg) {
    const s = this.roundState;
    const res = s && s.results;
    if (!res || res.kind !== "notes") {
      if (s && s.round && s.round.revealed) this.readSoon();
      return;
    }
    const known = new Map(res.notes.map((n) => [n.id, n]));
    for (const e of msg.put || []) {
      if (e.kind === "participant") res.names[e.id] = e.data.name;
      else if (e.kind === "note" && (e.round === s.round.no || known.has(e.id))) {
        const note = { id: e.id, author: e.data.author || null, text: e.data.text };
        if (known.has(e.id)) Object.assign(known.get(e.id), note);
        else res.notes.push(note);
        known.set(e.id, note);
      }
    }
    const gone = new Set(msg.remove || []);
    if (gone.size) res.notes = res.notes.filter((n) => !gone.has(n.id));
    this.scheduleDraw();
  }

  voted(msg) {
    super.voted(msg); // (who has taken part is no result)
  }

  drawContent() {
    this.content.replaceChildren(...this.results());
  }

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
        const who = n.author ? res.names[n.author] || n.author : this.text("notes.anonymous");
        p.appendChild(node("strong", null, `📝 ${who}`));
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
    out.push(node("p", "kk-gray kk-colours", this.text("present.vote_colours")));
    return out;
  }
}
