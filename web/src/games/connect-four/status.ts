/** Connect Four status in words: whose turn, the result, and error codes (pure functions of the room). */
import { c4View, lineWords, seatName, type C4Room } from "./view";

export function turnText(room: C4Room | null, mySeat: number | null): string {
  if (!room) return "Joining the match…";
  if (room.status === "waiting") {
    const open = room.seats.filter((s) => !s.claimed).length;
    if (open > 0) return "Waiting for your opponent to join. Send them the link below.";
    const away = room.seats.filter((s) => !s.connected).map((s) => s.name || `seat ${s.seat + 1}`);
    return away.length > 0 ? `Waiting for ${away.join(" and ")} to connect.` : "Starting…";
  }
  if (room.status === "closed") return "This match is closed.";
  if (room.status === "finished") return resultText(room, mySeat);
  if (room.turn === null) return "";
  if (mySeat === null) return `${capital(seatName(room.seats, room.turn, mySeat))} to move.`;
  return room.turn === mySeat ? "Your turn." : `${capital(seatName(room.seats, room.turn, mySeat))}'s turn.`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function resultText(room: C4Room, mySeat: number | null): string {
  const r = room.result;
  if (!r) return "The match is over.";
  const winner = r.winner;
  const loser = winner === null ? null : room.seats.find((s) => s.seat !== winner)?.seat ?? null;
  const won = winner !== null && winner === mySeat;
  const lost = winner !== null && mySeat !== null && winner !== mySeat;
  const w = capital(seatName(room.seats, winner, mySeat));
  const l = seatName(room.seats, loser, mySeat);
  const view = c4View(room);
  switch (r.reason) {
    case "win": {
      const line = view?.line ? ` Winning line: ${lineWords(view.line)}.` : "";
      return (won ? "You won with four in a row!" : lost ? `You lost: ${w} made four in a row.` : `${w} won with four in a row.`) + line;
    }
    case "draw":
      return "Draw: the board is full.";
    case "timeout":
      return won ? `You won: ${l} ran out of time.` : lost ? `You ran out of time. ${w} wins.` : `${capital(l)} ran out of time. ${w} wins.`;
    case "forfeit":
      return won ? `You won: ${l} left and did not come back in time.` : lost ? `You were away too long and forfeited. ${w} wins.` : `${capital(l)} forfeited. ${w} wins.`;
    case "resign":
      return won ? `You won: ${l} resigned.` : lost ? `You resigned. ${w} wins.` : `${capital(l)} resigned. ${w} wins.`;
    case "abandoned":
      return "The match was abandoned.";
  }
  return "The match is over.";
}

/** Friendlier words for the room's and the game's error codes; the server's message otherwise. */
export function errorText(code: string, message: string): string {
  switch (code) {
    case "NOT_YOUR_TURN":
      return "It is not your turn.";
    case "COLUMN_FULL":
    case "OUT_OF_RANGE":
      return message;
    case "MATCH_OVER":
      return "The match is already over.";
    case "NOT_STARTED":
      return "The match has not started yet.";
    case "NOT_A_PLAYER":
      return "You are watching this match and cannot play.";
    case "REMATCH_NOT_AVAILABLE":
      return "A rematch is only possible once the match is over.";
    case "OUTBOX_FULL":
      return "Too many moves are waiting to be sent. Wait for the connection.";
    case "CLIENT_CLOSED":
      return "Not sent: the connection to the match is closed.";
    default:
      return message;
  }
}
