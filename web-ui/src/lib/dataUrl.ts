/**
 * The bytes of a base64 data URL as a Blob. The evaluation tab draws a chosen image from these bytes
 * (createImageBitmap) instead of loading the data URL, which a strict Content-Security-Policy refuses as an image.
 */
export function dataUrlBlob(dataUrl: string): Blob | null {
  const match = /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s.exec(dataUrl);
  if (!match) {
    return null;
  }
  try {
    const text = atob(match[2]);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return new Blob([bytes], { type: match[1] || 'application/octet-stream' });
  } catch {
    return null;
  }
}
