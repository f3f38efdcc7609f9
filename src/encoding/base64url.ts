// Base64url without padding (RFC 4648 §5): safe in URLs, query strings and header values.

/** `binary` is a byte string (each char code 0–255), as `btoa` takes it. */
export const toBase64Url = (binary: string): string =>
  btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** The byte string back; throws on text that is not base64url. */
export const fromBase64Url = (text: string): string => atob(text.replaceAll('-', '+').replaceAll('_', '/'));
