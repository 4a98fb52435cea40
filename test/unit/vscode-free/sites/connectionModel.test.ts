import assert from 'node:assert/strict';
import {
  connectionIsProduction,
  findSite,
  isRemoteUrl,
  isWritable,
  normaliseBaseUrl,
  rememberSite,
  validate,
} from '../../../../src/vscode/sites/connectionModel';
import type { StoredConnection } from '../../../../src/vscode/sites/connectionModel';
import type { SiteSummary } from '../../../../src/vscode/sites/siteTypes';

const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function summary(overrides: Partial<SiteSummary>): SiteSummary {
  return {
    key: `c1/${GUID}`,
    connectionId: 'c1',
    connectionName: 'Halo',
    connectionKind: 'haloConnect',
    siteId: GUID,
    name: 'Bendigo Medical Clinic',
    pms: 'BestPractice',
    production: true,
    allowWrites: false,
    catalogues: [],
    supports: { sql: true, fhir: true },
    ...overrides,
  };
}

describe('vscode-free/sites/connectionModel', () => {
  it('treats any host but this machine as possibly production', () => {
    assert.equal(isRemoteUrl('http://127.0.0.1:4000'), false);
    assert.equal(isRemoteUrl('http://localhost:4000/base'), false);
    assert.equal(isRemoteUrl('http://[::1]:4000'), false);
    assert.equal(isRemoteUrl('http://127.1.2.3'), false);
    assert.equal(isRemoteUrl('https://api.haloconnect.io'), true);
    assert.equal(isRemoteUrl('https://localhost.example.com'), true);
    assert.equal(isRemoteUrl('not a url'), true);
  });

  it('marks Halo production and stage, Halaxy AU and EU, and remote custom URLs as production; the Sandbox never', () => {
    const cases: [StoredConnection, boolean][] = [
      [{ kind: 'sandbox', id: 'sandbox', name: 'Sandbox' }, false],
      [{ kind: 'haloConnect', id: 'a', name: 'a', environment: 'production', sites: [] }, true],
      [{ kind: 'haloConnect', id: 'b', name: 'b', environment: 'stage', sites: [] }, true],
      [{ kind: 'haloConnect', id: 'c', name: 'c', environment: { baseUrl: 'http://127.0.0.1:9000' }, sites: [] }, false],
      [{ kind: 'haloConnect', id: 'd', name: 'd', environment: { baseUrl: 'https://proxy.example.org' }, sites: [] }, true],
      [{ kind: 'halaxy', id: 'e', name: 'e', region: 'eu', clientId: 'x' }, true],
      [{ kind: 'halaxy', id: 'f', name: 'f', region: { baseUrl: 'http://localhost:1/main' }, clientId: 'x' }, false],
    ];
    for (const [connection, production] of cases) {
      assert.equal(connectionIsProduction(connection), production, connection.id);
    }
  });

  it('allows writes only where the setting names the site by GUID, key or name, ignoring case and spaces', () => {
    const site = summary({});
    assert.equal(isWritable(site, []), false);
    assert.equal(isWritable(site, ['Some Other Clinic']), false);
    assert.equal(isWritable(site, [GUID.toUpperCase()]), true);
    assert.equal(isWritable(site, ['  bendigo medical clinic ']), true);
    assert.equal(isWritable(site, [site.key]), true);
  });

  it('finds a site by key first, then GUID, then name', () => {
    const first = summary({ key: 'a/1', siteId: '1', name: 'Clinic' });
    const second = summary({ key: 'b/2', siteId: 'clinic', name: 'Other' });
    assert.equal(findSite([first, second], 'CLINIC'), second);
    assert.equal(findSite([first, second], 'a/1'), first);
    assert.equal(findSite([first, second], 'other'), second);
    assert.equal(findSite([first, second], ' '), undefined);
    assert.equal(findSite([first, second], 'nowhere'), undefined);
  });

  it('remembers a site from its practice metadata, falling back to the deprecated flat fields', () => {
    const remembered = rememberSite({
      id: GUID,
      pmsType: 'Zedmed',
      availability: 'offline',
      status: 'active',
      haloLinkVersion: '25.101.7',
      catalogue: [{ name: 'Main', isDefault: true }, { name: 'Archive', isDefault: false }],
      practiceMetadata: { practiceName: 'From Metadata', practiceManagementVersion: '37.2' },
      name: 'Flat Name',
      practiceManagementSiteId: 'ZM100',
    });
    assert.deepEqual(remembered, {
      id: GUID,
      name: 'From Metadata',
      pmsType: 'Zedmed',
      pmsSiteId: 'ZM100',
      pmsVersion: '37.2',
      haloLinkVersion: '25.101.7',
      availability: 'offline',
      status: 'active',
      catalogues: [{ name: 'Main', isDefault: true }, { name: 'Archive', isDefault: false }],
    });
  });

  it('says what is wrong with a name, a URL, a key or a PMS site id', () => {
    assert.match(validate.connectionName('  ', []) ?? '', /name/);
    assert.match(validate.connectionName('Halo', ['halo']) ?? '', /exists already/);
    assert.equal(validate.connectionName('Halo 2', ['Halo']), undefined);
    assert.match(validate.baseUrl('ftp://example.com') ?? '', /https:\/\/ or http:\/\//);
    assert.match(validate.baseUrl('example.com') ?? '', /not a URL/);
    assert.match(validate.baseUrl('https://user:pw@example.com') ?? '', /credentials/);
    assert.match(validate.baseUrl('https://example.com/?key=1') ?? '', /query string/);
    assert.equal(validate.baseUrl('http://127.0.0.1:4000'), undefined);
    assert.match(validate.secret('', 'subscription key') ?? '', /subscription key cannot be empty/);
    assert.match(validate.secret('ab cd', 'client secret') ?? '', /spaces/);
    assert.equal(validate.secret(' abcdef ', 'client secret'), undefined);
    assert.ok(validate.pmsSiteId(''));
    assert.ok(validate.pairingCode(' '));
    assert.equal(normaliseBaseUrl(' https://example.com/base/// '), 'https://example.com/base');
  });
});
