/**
 * Runner controls. Keyboard: Space or ArrowUp jumps, ArrowDown held ducks.
 * Touch and mouse: the on-screen Jump button (press) and Duck button (hold).
 * Keys are taken from anywhere on the page except form fields and other
 * buttons, so Space still activates "Race again" when it has focus.
 */

export interface ControlHandlers {
  jump(): void;
  duck(held: boolean): void;
  /** Whether the race takes keys right now (countdown or racing). */
  active(): boolean;
}

export function mountControls(jumpButton: HTMLButtonElement, duckButton: HTMLButtonElement, on: ControlHandlers): void {
  let duckHeld = false;
  const setDuck = (held: boolean) => {
    if (held === duckHeld) return;
    duckHeld = held;
    duckButton.setAttribute("aria-pressed", String(held));
    on.duck(held);
  };
  const ours = (target: EventTarget | null) => {
    if (!(target instanceof HTMLElement)) return true;
    if (target === jumpButton || target === duckButton) return true;
    return !target.closest("input, select, textarea, button, a, [contenteditable]");
  };

  addEventListener("keydown", (ev) => {
    if (!on.active() || !ours(ev.target)) return;
    if (ev.key === " " || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!ev.repeat) on.jump();
    } else if (ev.key === "ArrowDown") {
      ev.preventDefault();
      setDuck(true);
    }
  });
  addEventListener("keyup", (ev) => {
    if (ev.key === "ArrowDown") setDuck(false);
  });
  // A key released while the window had no focus never sends keyup.
  addEventListener("blur", () => setDuck(false));

  jumpButton.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    on.jump();
  });
  // Keyboard activation of the focused button (Enter) arrives as a click with detail 0.
  jumpButton.addEventListener("click", (ev) => {
    if (ev.detail === 0) on.jump();
  });
  duckButton.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    duckButton.setPointerCapture?.(ev.pointerId);
    setDuck(true);
  });
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"] as const) duckButton.addEventListener(type, () => setDuck(false));
  duckButton.addEventListener("click", (ev) => {
    if (ev.detail === 0) setDuck(!duckHeld);
  });
  // No context menu or text selection on long presses.
  for (const b of [jumpButton, duckButton]) b.addEventListener("contextmenu", (ev) => ev.preventDefault());
}
