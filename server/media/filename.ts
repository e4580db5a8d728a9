/** The extension Folio gives a file whose client sent no usable name. */
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'application/pdf': 'pdf',
};

/**
 * The name a file part carried, made fit to keep as metadata (never as a path: objects are stored
 * by their hash): its last path segment, without control characters (NUL included, which
 * PostgreSQL cannot store), at most 255 characters; `upload.<ext>` when nothing is left.
 */
export function safeFilename(raw: string | undefined, mediaType: string): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let clean = '';
  // At most 255 UTF-16 units (the contract's limit), cut between characters, never inside a pair.
  for (const character of last.replace(/[\u0000-\u001F\u007F-\u009F]/g, '').trim()) {
    if (clean.length + character.length > 255) break;
    clean += character;
  }
  clean = clean.trim();
  return clean && clean !== '.' && clean !== '..' ? clean : `upload.${EXTENSIONS[mediaType] ?? 'bin'}`;
}
