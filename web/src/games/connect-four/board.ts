/**
 * The Connect Four board: one button per column (click, tap, or keyboard:
 * arrows/Home/End choose a column, Enter/Space drops, 1–7 drop directly),
 * discs drawn as symbols (● / ○) as well as colours, the last move and the
 * AI's move marked, and the winning line marked with a pattern and a star.
 */
import { COLUMNS, DISC, DISC_WORD, ROWS, type C4View } from "./view";
import { h } from "../../dom";

export interface BoardState {
  readonly view: C4View | null;
  readonly mySeat: number | null;
  /** It is this player's turn in a running match. */
  readonly canPlay: boolean;
  /** The AI's latest move, highlighted as it happens. */
  readonly aiMove: readonly [number, number] | null;
  /** Names for the column descriptions, by seat. */
  readonly names: readonly string[];
  /** A move of ours not settled yet (sent, or queued while offline): shown as a dashed outline. */
  readonly pendingColumn: number | null;
}

export class Board {
  private selected = 3;
  private readonly buttons: HTMLButtonElement[] = [];
  /** cells[column][row], row 0 at the bottom. */
  private readonly cells: HTMLElement[][] = [];

  constructor(
    host: HTMLElement,
    private readonly onDrop: (column: number) => void,
  ) {
    const board = h("div", { class: "board", role: "group", "aria-label": "Board: 7 columns, 6 rows. Choose a column with the arrow keys, drop with Enter or Space." });
    for (let c = 0; c < COLUMNS; c++) {
      const column: HTMLElement[] = [];
      const button = h("button", { type: "button", class: "column", "data-col": c, tabindex: c === this.selected ? 0 : -1 });
      button.append(h("span", { class: "preview", "aria-hidden": "true" }, "▼"));
      // Top row first in the DOM so the column reads top to bottom visually.
      for (let r = ROWS - 1; r >= 0; r--) {
        const cell = h("span", { class: "cell", "data-row": r, "aria-hidden": "true" });
        column[r] = cell;
        button.append(cell);
      }
      button.addEventListener("click", () => {
        this.select(c, false);
        this.onDrop(c);
      });
      this.buttons.push(button);
      this.cells.push(column);
      board.append(button);
    }
    board.addEventListener("keydown", (ev) => this.onKey(ev));
    host.replaceChildren(board);
  }

  private onKey(ev: KeyboardEvent): void {
    let next: number | null = null;
    if (ev.key === "ArrowLeft") next = (this.selected + COLUMNS - 1) % COLUMNS;
    else if (ev.key === "ArrowRight") next = (this.selected + 1) % COLUMNS;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = COLUMNS - 1;
    else if (/^[1-7]$/.test(ev.key)) {
      ev.preventDefault();
      const c = Number(ev.key) - 1;
      this.select(c, true);
      this.onDrop(c);
      return;
    }
    if (next === null) return;
    ev.preventDefault();
    this.select(next, true);
  }

  private select(column: number, focus: boolean): void {
    this.selected = column;
    this.buttons.forEach((b, i) => {
      b.tabIndex = i === column ? 0 : -1;
      b.classList.toggle("selected", i === column);
    });
    if (focus) this.buttons[column]?.focus();
  }

  render(s: BoardState): void {
    const v = s.view;
    const win = new Set((v?.line ?? []).map(([c, r]) => `${c},${r}`));
    const last = v?.lastMove ? `${v.lastMove.column},${v.lastMove.row}` : null;
    const ai = s.aiMove ? `${s.aiMove[0]},${s.aiMove[1]}` : null;
    for (let c = 0; c < COLUMNS; c++) {
      const parts: string[] = [];
      let filled = 0;
      for (let r = 0; r < ROWS; r++) {
        const value = v?.board[r]?.[c] ?? 0;
        const cell = this.cells[c]?.[r];
        if (!cell) continue;
        const seat = value === 1 ? 0 : value === 2 ? 1 : null;
        const key = `${c},${r}`;
        cell.textContent = seat === null ? "" : (DISC[seat] ?? "");
        if (seat === null) delete cell.dataset["disc"];
        else cell.dataset["disc"] = String(seat);
        cell.classList.toggle("win", win.has(key));
        cell.classList.toggle("last", key === last);
        cell.classList.toggle("ai-move", key === ai);
        if (seat !== null) {
          filled++;
          const who = seat === s.mySeat ? "yours" : (s.names[seat] || `seat ${seat + 1}`);
          const marks = [win.has(key) ? "winning line" : "", key === last ? "last move" : ""].filter(Boolean).join(", ");
          parts.push(`${DISC_WORD[seat]} ${DISC[seat]} (${who})${marks ? `, ${marks}` : ""}`);
        }
      }
      const button = this.buttons[c];
      if (!button) continue;
      const free = ROWS - filled;
      const pendingRow = s.pendingColumn === c && free > 0 ? filled : null;
      this.cells[c]?.forEach((cell, r) => {
        const pending = r === pendingRow;
        cell.classList.toggle("pending", pending);
        if (pending) cell.textContent = "◌";
      });
      const contents = (filled === 0 ? "empty" : `from the bottom: ${parts.join("; ")}`) + (pendingRow !== null ? "; your move here is waiting to be sent" : "");
      button.setAttribute("aria-label", `Column ${c + 1}, ${free === 0 ? "full" : `${free} free`}, ${contents}`);
      button.setAttribute("aria-disabled", String(!s.canPlay || free === 0));
      button.classList.toggle("full", free === 0);
      button.dataset["seat"] = s.mySeat === null ? "" : String(s.mySeat);
    }
    this.buttons[0]?.parentElement?.classList.toggle("playable", s.canPlay);
  }
}
