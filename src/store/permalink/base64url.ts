/**
 * Base64url without padding (RFC 4648 §5): the alphabet that survives URL fragments, chat
 * apps and e-mail without escaping. Decoding is strict, so that a changed character always
 * changes the bytes (or fails) instead of being silently ignored.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const VALUE_OF = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) VALUE_OF[ALPHABET.charCodeAt(index)] = index;

export function encodeBase64Url(bytes: Uint8Array): string {
  let text = "";
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    text +=
      ALPHABET[triple >> 18]! +
      ALPHABET[(triple >> 12) & 63]! +
      ALPHABET[(triple >> 6) & 63]! +
      ALPHABET[triple & 63]!;
  }
  const left = bytes.length - index;
  if (left === 1) {
    const value = bytes[index]!;
    text += ALPHABET[value >> 2]! + ALPHABET[(value & 3) << 4]!;
  } else if (left === 2) {
    const value = (bytes[index]! << 8) | bytes[index + 1]!;
    text += ALPHABET[value >> 10]! + ALPHABET[(value >> 4) & 63]! + ALPHABET[(value & 15) << 2]!;
  }
  return text;
}

/** Why a text is not valid base64url. */
export class Base64UrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Base64UrlError";
  }
}

export function decodeBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) {
    throw new Base64UrlError(`its length (${text.length} characters) cannot be base64url`);
  }
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let byteIndex = 0;
  let buffer = 0;
  let bits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? VALUE_OF[code]! : -1;
    if (value < 0) {
      throw new Base64UrlError(
        `character ${index + 1} (${JSON.stringify(text[index])}) is not base64url`,
      );
    }
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[byteIndex++] = (buffer >> bits) & 255;
    }
  }
  // The bits left over after the last whole byte must be zero; otherwise two different texts
  // would decode to the same bytes, and a changed last character would go unnoticed.
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new Base64UrlError("its last character has stray bits (it was changed or cut)");
  }
  return bytes;
}
