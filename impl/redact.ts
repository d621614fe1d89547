/** Secrets are never printed whole: a token shows its first seven characters, like `rt_j6s0...`. */
const SHOWN_CHARACTERS = 7;

export function redact(secret: string | null | undefined): string {
  if (secret === null || secret === undefined) return String(secret);
  if (secret.length <= SHOWN_CHARACTERS) return "...";
  return `${secret.slice(0, SHOWN_CHARACTERS)}...`;
}
