import assert from 'node:assert/strict';
import { ApiError } from '../../../src/core/errors';
import type { ApiErrorKind } from '../../../src/core/errors';
import { describeError } from '../../../src/vscode/errorMessages';
import type { ErrorAction } from '../../../src/vscode/errorMessages';
import { SITE_COMMANDS } from '../../../src/vscode/sites/siteCommandIds';
import type { SiteSummary } from '../../../src/vscode/sites/siteTypes';

const haloSite: Pick<SiteSummary, 'key' | 'name' | 'connectionId' | 'connectionName' | 'connectionKind' | 'pms'> = {
  key: 'c1/0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'Bendigo Medical Clinic',
  connectionId: 'c1',
  connectionName: 'Halo production',
  connectionKind: 'haloConnect',
  pms: 'BestPractice',
};
const halaxySite = { ...haloSite, key: 'x1/client', name: 'Box Hill', connectionId: 'x1', connectionName: 'Halaxy', connectionKind: 'halaxy' as const, pms: 'Halaxy' as const };
const sandboxSite = { ...haloSite, connectionId: 'sandbox', connectionName: 'Sandbox', connectionKind: 'sandbox' as const };
const retry: ErrorAction = { title: 'Retry', command: 'test.retry' };

describe('vscode-free/errorMessages', () => {
  it('offers to enter the key again when a key is refused or missing', () => {
    const refused = describeError(new ApiError('auth', 'Access denied due to invalid subscription key.', { status: 401 }), { site: haloSite });
    assert.match(refused.message, /subscription key of the connection "Halo production" was refused/);
    assert.match(refused.message, /invalid subscription key/);
    assert.deepEqual(refused.actions, [{ title: 'Enter the key again', command: SITE_COMMANDS.enterSecret, args: [{ connectionId: 'c1' }] }]);
    const missing = describeError(new ApiError('auth', 'No client secret is stored for the connection "Halaxy".'), { site: halaxySite });
    assert.match(missing.message, /No client secret is stored .* Enter the client id and secret to use it\./);
    assert.equal(missing.actions[0]?.title, 'Enter the client secret again');
    assert.deepEqual(describeError(new ApiError('auth', 'x', { status: 401 }), { site: sandboxSite }).actions, []);
  });

  it('offers to resolve a Halo site again on 403, and explains permissions for Halaxy', () => {
    const halo = describeError(new ApiError('forbidden', 'Forbidden', { status: 403 }), { site: haloSite });
    assert.match(halo.message, /refused access to Bendigo Medical Clinic: its GUID may have changed/);
    assert.deepEqual(halo.actions, [{ title: 'Resolve the site again', command: SITE_COMMANDS.resolveSiteAgain, args: [{ siteKey: haloSite.key }] }]);
    const halaxy = describeError(new ApiError('forbidden', 'Forbidden', { status: 403 }), { site: halaxySite });
    assert.match(halaxy.message, /API Key Manager/);
    assert.deepEqual(halaxy.actions, []);
  });

  it('offers Retry where trying again can help, and only when the caller has a retry', () => {
    const retriable: ApiErrorKind[] = ['siteOffline', 'siteUnreachable', 'rateLimited', 'timeout', 'expired', 'badResponse', 'network'];
    for (const kind of retriable) {
      assert.deepEqual(describeError(new ApiError(kind, 'm'), { site: sandboxSite, retry }).actions, [retry], kind);
      assert.deepEqual(describeError(new ApiError(kind, 'm'), { site: sandboxSite }).actions, [], kind);
    }
    for (const kind of ['queryFailed', 'badRequest', 'notFound', 'notAllowed', 'cancelled'] as ApiErrorKind[]) {
      assert.deepEqual(describeError(new ApiError(kind, 'm'), { site: haloSite, retry }).actions, [], kind);
    }
  });

  it('offers to edit a connection that cannot be reached', () => {
    const description = describeError(new ApiError('network', 'connect ECONNREFUSED 10.0.0.1:443'), { site: haloSite, retry });
    assert.match(description.message, /Could not reach the server of "Halo production": connect ECONNREFUSED/);
    assert.deepEqual(description.actions.map((action) => action.title), ['Retry', 'Edit the connection']);
    assert.deepEqual(description.actions[1].args, [{ connectionId: 'c1' }]);
  });

  it("names the site, keeps the server's words, and drops a bare status line", () => {
    assert.equal(describeError(new ApiError('queryFailed', "Invalid column name 'Foo'."), { site: haloSite }).message, "The query failed at Bendigo Medical Clinic: Invalid column name 'Foo'.");
    assert.equal(
      describeError(new ApiError('siteOffline', 'The server answered 503 Service Unavailable.'), { site: haloSite }).message,
      "Bendigo Medical Clinic is offline: its Halo Link is not connected right now. Try again when the practice's server is back.",
    );
    assert.match(describeError(new ApiError('rateLimited', 'slow down', { retryAfterSeconds: 7 })).message, /wait 7 seconds/);
    assert.equal(describeError(new ApiError('cancelled', 'GET /x was cancelled')).message, 'Cancelled.');
    assert.deepEqual(describeError(new Error('plain')), { message: 'plain', actions: [] });
    assert.deepEqual(describeError('text'), { message: 'text', actions: [] });
  });
});
