import { isApiError } from '../core/errors';
import type { ApiError } from '../core/errors';
import { SITE_COMMANDS } from './sites/siteCommandIds';
import type { SiteSummary } from './sites/siteTypes';

/** A button under an error: runs `command` with `args` spread as its arguments. */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

export interface ErrorDescription {
  /** One or two sentences for a user: what happened, in the server's words where it said something useful. */
  message: string;
  actions: ErrorAction[];
}

export interface ErrorContext {
  /** The site the request went to: names it in the message and gives the actions their arguments. */
  site?: Pick<SiteSummary, 'key' | 'name' | 'connectionId' | 'connectionName' | 'connectionKind' | 'pms'>;
  /** Offered where trying again can help (network, timeout, offline, rate limit, expired result). */
  retry?: ErrorAction;
}

/**
 * The one mapping from an error to what the user reads and can do about it, shared by the tree, the sites commands and
 * the runs. Messages carry the core's text, which never holds a key, secret or token.
 */
export function describeError(error: unknown, context: ErrorContext = {}): ErrorDescription {
  if (!isApiError(error)) {
    return { message: error instanceof Error ? error.message : String(error), actions: [] };
  }
  const { site, retry } = context;
  const retryActions = retry ? [retry] : [];
  const where = site ? site.name : 'the site';
  const said = serverWords(error);
  switch (error.kind) {
    case 'auth':
      return describeAuth(error, site);
    case 'forbidden':
      if (site?.pms === 'Halaxy') {
        return {
          message: `Halaxy refused: the API key of "${site.connectionName}" does not have the permission for this. Turn it on for the key in Halaxy's API Key Manager.${said}`,
          actions: [],
        };
      }
      return {
        message: `Halo Connect refused access to ${where}: its GUID may have changed (a re-installed Halo Link gets a new one) or it is no longer paired.${said}`,
        actions: site && site.connectionKind !== 'halaxy' ? [{ title: 'Resolve the site again', command: SITE_COMMANDS.resolveSiteAgain, args: [{ siteKey: site.key }] }] : [],
      };
    case 'notFound':
      return { message: `Not found: ${error.message}`, actions: [] };
    case 'notAllowed':
      return { message: `The server does not offer this: ${error.message}`, actions: [] };
    case 'siteOffline':
      return { message: `${capitalise(where)} is offline: its Halo Link is not connected right now. Try again when the practice's server is back.${said}`, actions: retryActions };
    case 'siteUnreachable':
      return { message: `Halo Link at ${where} cannot reach the practice's database.${said}`, actions: retryActions };
    case 'rateLimited':
      return {
        message: `Too many requests: the server asked to wait${error.retryAfterSeconds !== undefined ? ` ${error.retryAfterSeconds} seconds` : ' a moment'} before the next one.`,
        actions: retryActions,
      };
    case 'timeout':
      return { message: `The request to ${where} took too long and was stopped.${said}`, actions: retryActions };
    case 'tooLarge':
      return { message: `The result is too large to send at once: run it as an async query.${said}`, actions: retryActions };
    case 'queryFailed':
      return { message: `The query failed at ${where}: ${error.message}`, actions: [] };
    case 'expired':
      return { message: "The result is no longer in Halo's cache: run the query again.", actions: retryActions };
    case 'badRequest':
      return { message: `The request was refused: ${error.message}`, actions: [] };
    case 'badResponse':
      return { message: `The server sent an answer that could not be used: ${error.message}`, actions: retryActions };
    case 'network':
      return describeNetwork(error, site, retryActions);
    case 'cancelled':
      return { message: 'Cancelled.', actions: [] };
  }
}

function describeAuth(error: ApiError, site: ErrorContext['site']): ErrorDescription {
  const halaxy = site?.pms === 'Halaxy';
  const credential = halaxy ? 'client id and secret' : 'subscription key';
  const actions: ErrorAction[] =
    site && site.connectionKind !== 'sandbox'
      ? [{ title: halaxy ? 'Enter the client secret again' : 'Enter the key again', command: SITE_COMMANDS.enterSecret, args: [{ connectionId: site.connectionId }] }]
      : [];
  // No status: nothing was sent, the secret is missing from this machine's secret storage.
  if (error.status === undefined) {
    return { message: `${error.message} Enter the ${credential} to use it.`, actions };
  }
  const connection = site ? ` of the connection "${site.connectionName}"` : '';
  return { message: `The ${credential}${connection} was refused.${serverWords(error)}`, actions };
}

function describeNetwork(error: ApiError, site: ErrorContext['site'], retryActions: ErrorAction[]): ErrorDescription {
  if (site?.connectionKind === 'sandbox') {
    return { message: `The Sandbox did not answer: ${error.message}`, actions: retryActions };
  }
  const edit: ErrorAction[] = site ? [{ title: 'Edit the connection', command: SITE_COMMANDS.editConnection, args: [{ connectionId: site.connectionId }] }] : [];
  return { message: `Could not reach the server${site ? ` of "${site.connectionName}"` : ''}: ${error.message}`, actions: [...retryActions, ...edit] };
}

/** The server's message as a trailing sentence, when it said more than the status line. */
function serverWords(error: ApiError): string {
  const text = error.message.trim();
  if (text === '' || /^The server answered( with status)? \d+/.test(text)) {
    return '';
  }
  return ` (${text.replace(/\.$/, '')}.)`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
