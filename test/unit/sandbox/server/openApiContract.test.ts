import { strict as assert } from 'node:assert';
import { findOperation, validateResponse } from '../../../support/openApiContract';

const headers = (entries: Record<string, string> = {}): Headers => new Headers({ 'content-type': 'application/json; charset=utf-8', ...entries });
const site = '/integrator/sites/830ecff7-f6fc-4e6a-bddb-680f84993eaf';
const id = '344a8dfe-a736-4847-91e9-c3274fa1835f';
const base = {
  id,
  integratorId: '218d379c-67be-4d24-8e5e-97bb7a27ce03',
  siteId: '830ecff7-f6fc-4e6a-bddb-680f84993eaf',
  maxTimeInQueue: 900000,
  commandSize: 20,
  requestSize: 30,
  createdAt: '2025-06-02T00:00:00.000Z',
  updatedAt: '2025-06-02T00:00:00.000Z',
};
const respond = (method: string, path: string, status: number, body: unknown, extraHeaders?: Record<string, string>) =>
  validateResponse({ method, path, status, headers: headers(extraHeaders), body, text: body === undefined ? '' : JSON.stringify(body) });

describe('test support: the OpenAPI contract check itself', () => {
  it('matches literal segments before templates', () => {
    assert.equal(findOperation('GET', `${site}/queries/registered`)?.template, '/integrator/sites/{siteId}/queries/registered');
    assert.equal(findOperation('GET', `${site}/queries/${id}`)?.template, '/integrator/sites/{siteId}/queries/{queryId}');
    assert.equal(findOperation('GET', `${site}/fhir/R4/Patient/1/$summary`)?.template, '/integrator/sites/{siteId}/fhir/R4/{fhirParameters}');
  });

  it('accepts a conforming async query and rejects one that breaks the schema of its status', () => {
    const successful = {
      ...base,
      mode: 'async',
      status: 'successful',
      statusTiming: { initialising: { startTime: base.createdAt } },
      metrics: { sqlExecutionDuration: 3 },
      result: { rows: 1, size: 10, pages: [{ pageNumber: 1, status: 'cached', size: 10, rows: { count: 1, rangeStart: 0, rangeEnd: 0 } }] },
      resultSize: 16,
    };
    assert.deepEqual(respond('GET', `${site}/queries/${id}`, 200, successful), []);
    const withoutResultSize: Partial<typeof successful> = { ...successful };
    delete withoutResultSize.resultSize;
    assert.match(respond('GET', `${site}/queries/${id}`, 200, withoutResultSize).join('\n'), /resultSize/);
    const failedWithoutFlatFields = { ...base, mode: 'async', status: 'executionFailed', statusTiming: successful.statusTiming, completedAt: base.createdAt, errorDetails: { errorType: 'mssql', errorCode: 208, errorMessage: 'x' } };
    assert.match(respond('GET', `${site}/queries/${id}`, 200, failedWithoutFlatFields).join('\n'), /errorCode/);
    assert.match(respond('GET', `${site}/queries/${id}`, 200, { ...successful, id: 'nope' }).join('\n'), /uuid/);
  });

  it('reports undocumented statuses, wrong content types, missing headers and malformed error envelopes', () => {
    assert.match(respond('GET', `${site}/queries/${id}`, 418, { error: { status: 418, statusText: 'x', message: 'x' } })[0], /not documented/);
    assert.match(
      validateResponse({ method: 'GET', path: `${site}`, status: 200, headers: new Headers({ 'content-type': 'text/plain' }), body: undefined, text: 'x' })[0],
      /content-type "text\/plain"/,
    );
    assert.match(respond('GET', `${site}/queries/${id}/results/1`, 200, { data: 'W10=' }).join('\n'), /header Size is missing/);
    assert.match(respond('GET', `${site}`, 404, { message: 'flat' })[0], /an error must be/);
    assert.match(respond('GET', `${site}`, 404, { error: { status: 400, statusText: 'Bad Request', message: 'x' } })[0], /an error must be/);
    assert.deepEqual(respond('GET', `${site}`, 404, { error: { status: 404, statusText: 'Not Found', message: 'x' } }), []);
  });
});
