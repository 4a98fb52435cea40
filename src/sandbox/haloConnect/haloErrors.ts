import { STATUS_CODES } from 'node:http';
import type { ErrorEnvelope } from '../../core/haloConnect/wireTypes';

/** Halo's general error envelope, `{"error":{"status","statusText","message"}}`. */
export function errorEnvelope(status: number, message: string): ErrorEnvelope {
  return { error: { status, statusText: STATUS_CODES[status] ?? 'Error', message } };
}

/** A request Halo refuses: becomes the general error envelope (or an OperationOutcome on FHIR routes). */
export class HaloHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HaloHttpError';
  }
}

/** Halo's own wording where it documents one, so clients written against the real service see the same text. */
export const HALO_MESSAGES = {
  missingKey: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  invalidKey: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
  siteOffline: 'Site could not be contacted, please try again later or contact a system administrator.',
  notFound: 'The server cannot find the requested resource.',
  gone: 'Access to the target resource is permanently no longer available at the origin server.',
  rateLimited: 'Rate limit is exceeded. Try again in {seconds} seconds.',
  unavailable: 'The server is not ready to handle the request.',
  tooLarge:
    'Query was executed successfully but an error occurred preparing it to be uploaded, results were too large. Immediate query results beyond message size limit ({limit})',
} as const;
