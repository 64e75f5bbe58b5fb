/**
 * docs/protocol.md §7.2.1 written out independently of the server's msgpack library: the encoding
 * the state hash is computed over, and FNV-1a. The state-hash audits recompute hashes with this.
 */
export function encode(value: unknown): Uint8Array {
  const out: number[] = [];
  const be = (n: number, bytes: number) => {
    for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  };
  const utf8 = new TextEncoder();
  const put = (v: unknown): void => {
    if (v === null || v === undefined) out.push(0xc0);
    else if (v === false) out.push(0xc2);
    else if (v === true) out.push(0xc3);
    else if (typeof v === "number") {
      if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
        if (v <= 127) out.push(v);
        else if (v <= 0xff) out.push(0xcc, v);
        else if (v <= 0xffff) (out.push(0xcd), be(v, 2));
        else (out.push(0xce), be(v, 4));
      } else if (Number.isInteger(v) && v < 0 && v >= -0x80000000) {
        if (v >= -32) out.push(0x100 + v);
        else if (v >= -128) out.push(0xd0, 0x100 + v);
        else if (v >= -0x8000) (out.push(0xd1), be(0x10000 + v, 2));
        else (out.push(0xd2), be(0x100000000 + v, 4));
      } else {
        const b = new DataView(new ArrayBuffer(8));
        b.setFloat64(0, v);
        out.push(0xcb, ...new Uint8Array(b.buffer));
      }
    } else if (typeof v === "string") {
      const bytes = utf8.encode(v);
      const n = bytes.length;
      if (n < 32) out.push(0xa0 | n);
      else if (n < 0x100) out.push(0xd9, n);
      else if (n < 0x10000) (out.push(0xda), be(n, 2));
      else (out.push(0xdb), be(n, 4));
      out.push(...bytes);
    } else if (Array.isArray(v)) {
      const n = v.length;
      if (n < 16) out.push(0x90 | n);
      else if (n < 0x10000) (out.push(0xdc), be(n, 2));
      else (out.push(0xdd), be(n, 4));
      for (const e of v) put(e);
    } else if (typeof v === "object") {
      const keys = Object.keys(v as object);
      const n = keys.length;
      if (n < 16) out.push(0x80 | n);
      else if (n < 0x10000) (out.push(0xde), be(n, 2));
      else (out.push(0xdf), be(n, 4));
      for (const k of keys) {
        put(k);
        put((v as Record<string, unknown>)[k]);
      }
    } else throw new Error(`not a state value: ${typeof v}`);
  };
  put(value);
  return Uint8Array.from(out);
}

export function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

