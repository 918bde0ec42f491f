/**
 * IEEE 754 half precision <-> float32, for graphs whose inputs and outputs are float16
 * (fp16 and q4f16 exports). Node 20 has no Float16Array and onnxruntime gives float16
 * tensors as raw Uint16Array bits, so the conversion is done here: two small loops, a
 * table for half -> float (every half is exactly a float32) and round-to-nearest-even
 * for float -> half, as onnxruntime's Cast does (float16.test.ts checks both against it).
 */

let halfTable: Float32Array | null = null;

/** The float value of every half's bit pattern (65,536 entries, 256 KiB, built once). */
function table(): Float32Array {
  if (halfTable) return halfTable;
  const out = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[h] = mantissa ? NaN : sign * Infinity;
    else out[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  halfTable = out;
  return out;
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const lookup = table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = lookup[bits[i]!]!;
  return out;
}

/** Rounds the low `shift` bits of `mantissa` away, to nearest, ties to even. */
function roundShift(mantissa: number, shift: number): number {
  const kept = mantissa >>> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return kept + (rest > half || (rest === half && kept & 1) ? 1 : 0);
}

export function float32ToFloat16(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bits = words[i]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    const mantissa = bits & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0); // infinity, or a quiet NaN
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 31)
      out[i] = sign | 0x7c00; // too large: infinity
    else if (e <= 0) {
      // A subnormal half (or zero): the implicit bit joins the mantissa.
      out[i] = e < -10 ? sign : sign | roundShift(mantissa | 0x800000, 14 - e);
    } else {
      // A carry out of the mantissa moves into the exponent (up to infinity), as it should.
      out[i] = sign | ((e << 10) + roundShift(mantissa, 13));
    }
  }
  return out;
}
