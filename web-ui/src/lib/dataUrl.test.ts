import { describe, expect, it } from 'vitest';
import { dataUrlBlob } from './dataUrl';

/** jsdom's Blob has no arrayBuffer(); its FileReader reads one. */
function bytesOf(blob: Blob): Promise<number[]> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve([...new Uint8Array(reader.result as ArrayBuffer)]);
    reader.readAsArrayBuffer(blob);
  });
}

describe('a data URL', () => {
  it('gives its bytes and type', async () => {
    const blob = dataUrlBlob('data:image/png;base64,AAEC/w==');
    expect(blob?.type).toBe('image/png');
    expect(await bytesOf(blob!)).toEqual([0, 1, 2, 255]);
  });

  it('is refused when it is not base64 or not a data URL', () => {
    expect(dataUrlBlob('data:text/plain,hello')).toBeNull();
    expect(dataUrlBlob('https://example.com/a.png')).toBeNull();
    expect(dataUrlBlob('data:image/png;base64,%%%')).toBeNull();
  });
});
