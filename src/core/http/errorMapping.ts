import { STATUS_CODES } from 'node:http';
import { ApiError } from '../errors';
import type { ApiErrorKind, QueryErrorDetails } from '../errors';

/** The kind of error an HTTP status stands for (only called for statuses outside 2xx). */
export function kindForStatus(status: number): ApiErrorKind {
  switch (status) {
    case 400:
    case 422:
      return 'badRequest';
    case 401:
      return 'auth';
    case 403:
      return 'forbidden';
    case 404:
      return 'notFound';
    case 405:
      // The API does not offer this operation on this resource at all (Halaxy refuses DELETE, reading clinical
      // notes): no change to the request will help, which is what sets it apart from badRequest.
      return 'notAllowed';
    case 410:
      return 'expired';
    case 413:
      return 'tooLarge';
    case 429:
      return 'rateLimited';
    case 503:
      return 'siteOffline';
    case 504:
      return 'timeout';
    default:
      // Other 4xx (409, …) are still something about our request; 3xx are never expected from these APIs.
      return status >= 400 && status < 500 ? 'badRequest' : 'badResponse';
  }
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Halo's `errorDetails`, or an OperationOutcome's first issue, when `body` carries either. */
export function serverDetails(body: unknown): QueryErrorDetails | undefined {
  const object = asObject(body);
  if (!object) {
    return undefined;
  }
  const details = asObject(object.errorDetails);
  if (details) {
    return {
      errorType: details.errorType as QueryErrorDetails['errorType'],
      errorCode: typeof details.errorCode === 'number' ? details.errorCode : undefined,
      errorMessage: nonEmptyString(details.errorMessage),
    };
  }
  const issue = operationOutcomeIssue(object);
  if (issue) {
    const codings = asObject(issue.details)?.coding;
    const code = Number(Array.isArray(codings) ? asObject(codings[0])?.code : undefined);
    return {
      errorCode: Number.isInteger(code) ? code : undefined,
      errorMessage: issueText(issue),
    };
  }
  return undefined;
}

function operationOutcomeIssue(object: JsonObject): JsonObject | undefined {
  return operationOutcomeIssues(object)[0];
}

function operationOutcomeIssues(object: JsonObject): JsonObject[] {
  if (object.resourceType !== 'OperationOutcome' || !Array.isArray(object.issue)) {
    return [];
  }
  return object.issue.map(asObject).filter((issue): issue is JsonObject => issue !== undefined);
}

function issueText(issue: JsonObject): string | undefined {
  return nonEmptyString(issue.diagnostics) ?? nonEmptyString(asObject(issue.details)?.text);
}

/**
 * Every error (or fatal) issue's text, one after the other: a validation failure often names several fields, and the
 * user needs all of them. Falls back to the first issue when none is marked as an error.
 */
function outcomeText(object: JsonObject): string | undefined {
  const issues = operationOutcomeIssues(object);
  const errors = issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
  const texts = [...new Set((errors.length > 0 ? errors : issues.slice(0, 1)).map(issueText).filter((text) => text !== undefined))];
  // Sentences run on with a space; bare phrases would run together, so they get a semicolon.
  return texts.length > 0 ? texts.reduce((joined, text) => `${joined}${/[.!?]$/.test(joined) ? ' ' : '; '}${text}`) : undefined;
}

/**
 * The server's own words from an error body, in the shapes these APIs use: Halo's envelope
 * `{"error":{"message"}}` or its unwrapped fields, a failed query's `errorDetails.errorMessage` (or the deprecated flat
 * `errorMessage`), a FHIR OperationOutcome's error issues, and an OAuth 2 token error (`error_description`, `error`).
 */
export function serverMessage(body: unknown): string | undefined {
  const object = asObject(body);
  if (!object) {
    return undefined;
  }
  const envelope = asObject(object.error);
  return (
    nonEmptyString(envelope?.message) ??
    nonEmptyString(asObject(object.errorDetails)?.errorMessage) ??
    nonEmptyString(object.errorMessage) ??
    outcomeText(object) ??
    // Azure API Management's own 401 says `{"statusCode":401,"message":"Access denied …"}`.
    nonEmptyString(object.message) ??
    nonEmptyString(object.error_description) ??
    (typeof object.error === 'string' ? nonEmptyString(object.error) : undefined)
  );
}

/** A plain sentence for a status when the server said nothing useful. */
export function statusSentence(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `The server answered ${status} ${phrase}.` : `The server answered with status ${status}.`;
}

export interface ResponseErrorContext {
  status: number;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  /** `METHOD /path`, no query string. */
  request: string;
  retryAfterSeconds?: number;
  /** Removes secrets (subscription keys, tokens) from text a server might echo back. */
  redact: (text: string) => string;
}

/** The generic error for a non-2xx response; `kind` overrides the status's usual kind where an API means otherwise. */
export function errorFromResponse(context: ResponseErrorContext, kind: ApiErrorKind = kindForStatus(context.status)): ApiError {
  const { status, body, request, retryAfterSeconds, redact } = context;
  const message = serverMessage(body);
  const details = serverDetails(body);
  return new ApiError(kind, redact(message ?? statusSentence(status)), {
    status,
    details: details && redactDetails(details, redact),
    retryAfterSeconds,
    request,
  });
}

/** The same details with the server's message redacted. */
export function redactDetails(details: QueryErrorDetails, redact: (text: string) => string): QueryErrorDetails {
  return details.errorMessage === undefined ? details : { ...details, errorMessage: redact(details.errorMessage) };
}

/**
 * A function that replaces every occurrence of the given secrets with `***`. Secrets shorter than 6 characters are
 * ignored: redacting them would mangle ordinary words, and no real key or token is that short.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 6))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) {
    return (text) => text;
  }
  return (text) => needles.reduce((result, needle) => result.split(needle).join('***'), text);
}
