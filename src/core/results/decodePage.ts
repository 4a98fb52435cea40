import { ApiError } from '../errors';

/**
 * Decodes a result page's `data` (base64) to its bytes. Node's decoder silently skips characters outside the
 * alphabet and stops at misplaced padding, so anything malformed decodes to fewer bytes than its length promises:
 * comparing the two rejects it with `badResponse` (rather than quietly corrupted rows) at no cost beyond the decode.
 */
export function decodePage(base64: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (base64.length % 4 !== 0 || bytes.length !== expectedLength(base64)) {
    throw new ApiError('badResponse', 'The result data is not valid base64.');
  }
  return bytes;
}

function expectedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
