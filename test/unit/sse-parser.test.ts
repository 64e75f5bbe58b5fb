import { describe, expect, it } from "vitest";
import { SseParser } from "../../src/protocol/sse";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("SSE parser", () => {
  it("parses events split anywhere across chunks, with LF, CRLF or CR line endings", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const text = `event: frame${eol}data: AAEC${eol}${eol}: comment${eol}data:x${eol}data: y${eol}${eol}`;
      for (let cut = 0; cut <= text.length; cut++) {
        const p = new SseParser();
        const got = [...p.push(bytes(text.slice(0, cut))), ...p.push(bytes(text.slice(cut)))];
        expect(got, `eol ${JSON.stringify(eol)} cut ${cut}`).toEqual([
          { event: "frame", data: "AAEC" },
          { event: "message", data: "x\ny" },
        ]);
      }
    }
  });

  it("keeps an incomplete event until its blank line arrives", () => {
    const p = new SseParser();
    expect(p.push(bytes("event: close\ndata: {}\n"))).toEqual([]);
    expect(p.push(bytes("\n"))).toEqual([{ event: "close", data: "{}" }]);
  });
});
