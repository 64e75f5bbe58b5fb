/**
 * Draws the race on a canvas: one lane per runner, each lane following its
 * own runner (the course is the same for everyone), obstacles with patterns
 * (hatched = jump over, cross-hatched and hanging = duck under), runners as
 * coloured boxes carrying their seat's shape, and the countdown.
 */
import { DUCK_HEIGHT, HIGH_BOTTOM, HIGH_WIDTH, LOW_TOP, LOW_WIDTH, PLAYER_HEIGHT, PLAYER_WIDTH } from "../../../../src/games/runner/constants";
import { runnerColour, runnerSymbol, units } from "./seats";

export interface LaneScene {
  readonly seat: number;
  readonly name: string;
  readonly you: boolean;
  readonly x: number;
  readonly y: number;
  readonly standing: boolean;
  readonly ducking: boolean;
  readonly obstacles: readonly { readonly kind: "low" | "high"; readonly x: number }[];
}

export interface Scene {
  readonly lanes: readonly LaneScene[];
  /** Big centred text: "3", "2", "1", "Go!". */
  readonly countdown: string | null;
  /** Smaller centred text: waiting, finished. */
  readonly banner: string | null;
}

/** Visible course width, mu, on a wide screen. */
const VIEW_MU = 14_000;
/** Vertical room per lane, mu (a runner is 1000 tall, a jump peaks at 630). */
const LANE_MU = 1_750;
const LABEL_PX = 18;

export function laneCssHeight(width: number): number {
  return Math.round(Math.min(120, Math.max(72, width / 6)));
}

export function drawScene(canvas: HTMLCanvasElement, scene: Scene): void {
  const dpr = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || 320;
  const lanes = Math.max(1, scene.lanes.length);
  const laneCss = laneCssHeight(cssW);
  const cssH = lanes * laneCss;
  if (canvas.style.height !== `${cssH}px`) canvas.style.height = `${cssH}px`;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#f7f4ec";
  ctx.fillRect(0, 0, cssW, cssH);
  const scale = Math.min(cssW / VIEW_MU, (laneCss - LABEL_PX - 6) / LANE_MU);
  scene.lanes.forEach((lane, i) => drawLane(ctx, lane, i * laneCss, cssW, laneCss, scale));
  if (scene.countdown || scene.banner) {
    ctx.fillStyle = scene.countdown ? "rgba(255,255,255,0.45)" : "rgba(255,255,255,0.6)";
    ctx.fillRect(0, 0, cssW, cssH);
    ctx.fillStyle = "#111";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    if (scene.countdown) {
      ctx.font = `bold ${Math.min(cssH * 0.6, 96)}px system-ui, sans-serif`;
      ctx.fillText(scene.countdown, cssW / 2, cssH / 2);
    } else if (scene.banner) {
      ctx.font = `bold ${Math.min(28, cssW / 16)}px system-ui, sans-serif`;
      ctx.fillText(scene.banner, cssW / 2, cssH / 2, cssW - 24);
    }
  }
}

function drawLane(ctx: CanvasRenderingContext2D, lane: LaneScene, top: number, width: number, height: number, s: number): void {
  const ground = top + height - 4;
  const runnerX = Math.round(width * 0.16);
  const sx = (mu: number) => runnerX + (mu - lane.x) * s;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, top, width, height);
  ctx.clip();
  if (lane.you) {
    ctx.fillStyle = "#fffbe6";
    ctx.fillRect(0, top, width, height);
  }
  // Ground.
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, ground);
  ctx.lineTo(width, ground);
  ctx.stroke();
  // Distance ticks every unit, so motion is visible.
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  for (let m = Math.floor((lane.x - runnerX / s) / 1000) * 1000; sx(m) < width; m += 1000) {
    ctx.beginPath();
    ctx.moveTo(sx(m), ground);
    ctx.lineTo(sx(m), ground + 4);
    ctx.stroke();
  }
  for (const o of lane.obstacles) {
    if (o.kind === "low") hatched(ctx, sx(o.x), ground - LOW_TOP * s, LOW_WIDTH * s, LOW_TOP * s, false);
    else hatched(ctx, sx(o.x), top + LABEL_PX, HIGH_WIDTH * s, ground - HIGH_BOTTOM * s - (top + LABEL_PX), true);
  }
  // The runner.
  const h = (lane.ducking ? DUCK_HEIGHT : PLAYER_HEIGHT) * s;
  const w = PLAYER_WIDTH * s;
  const y = ground - lane.y * s - h;
  ctx.fillStyle = lane.standing ? runnerColour(lane.seat) : "#9a9a9a";
  ctx.fillRect(runnerX, y, w, h);
  ctx.strokeStyle = "#111";
  ctx.lineWidth = lane.you ? 3 : 1.5;
  ctx.strokeRect(runnerX, y, w, h);
  ctx.fillStyle = "#fff";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.font = `bold ${Math.max(10, Math.min(w, h) * 0.7)}px system-ui, sans-serif`;
  ctx.fillText(lane.standing ? runnerSymbol(lane.seat) : "✕", runnerX + w / 2, y + h / 2);
  // Label.
  ctx.fillStyle = "#111";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.font = "600 13px system-ui, sans-serif";
  const status = lane.standing ? "" : " · knocked out";
  ctx.fillText(`${runnerSymbol(lane.seat)} ${lane.name}${lane.you ? " (you)" : ""}${status}`, 6, top + 3, width * 0.7);
  ctx.textAlign = "right";
  ctx.fillText(`${units(lane.x)} u`, width - 6, top + 3);
  ctx.restore();
  // Lane separator.
  ctx.strokeStyle = "#ccc";
  ctx.beginPath();
  ctx.moveTo(0, top + height - 0.5);
  ctx.lineTo(width, top + height - 0.5);
  ctx.stroke();
}

/** An obstacle: solid outline with diagonal hatching (low) or cross-hatching (high), never colour alone. */
function hatched(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, cross: boolean): void {
  if (h <= 0 || x > ctx.canvas.width || x + w < 0) return;
  ctx.save();
  ctx.fillStyle = cross ? "#e3d3f0" : "#f3d9b1";
  ctx.fillRect(x, y, w, h);
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = "#222";
  ctx.lineWidth = 1.5;
  const step = 7;
  ctx.beginPath();
  for (let d = -h; d < w + h; d += step) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
    if (cross) {
      ctx.moveTo(x + d, y);
      ctx.lineTo(x + d + h, y + h);
    }
  }
  ctx.stroke();
  ctx.restore();
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 2;
  ctx.strokeRect(x, y, w, h);
}
