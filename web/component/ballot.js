// A dot vote's ballot: the viewer's own dots on what the round offers, with the budget left. A
// click shows at once and goes to the page through the component's trigger: the round panel's
// fragment stores it through the services and draws the ballot again with what was stored.
// The ballot follows no stream (nobody else's dots are anyone's business until the reveal).

import { node } from "./dom.js";
import { View } from "./view.js";

// a click not confirmed by the page within this long is forgotten (the page's state wins)
const PENDING_MS = 5000;

export class BallotView extends View {
  get listens() {
    return false;
  }

  loadState(state) {
    this.ballot = state; // what the server stored: my clicks since are still on their way
    this.pendingDots = new Map(
      [...(this.pendingDots || new Map())].filter(([id, sent]) => sent.at > Date.now() - PENDING_MS && state.mine[id] !== sent.dots),
    );
  }

  drawContent() {
    this.drawBallot();
  }

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
}
