import assert from 'node:assert/strict';
import { readSitePin, withSitePin } from '../../../../src/core/documents/sitePin';

describe('core/documents sitePin', () => {
  it('reads a SQL pin, name or GUID, with its ranges', () => {
    const pin = readSitePin('-- @site Sunshine Medical Centre  \nSELECT 1', 'sql');
    assert.equal(pin?.value, 'Sunshine Medical Centre');
    assert.deepEqual(pin?.range, { start: { offset: 0, line: 0, character: 0 }, end: { offset: 32, line: 0, character: 32 } });
    assert.deepEqual(pin?.valueRange, { start: { offset: 9, line: 0, character: 9 }, end: { offset: 32, line: 0, character: 32 } });
    assert.equal(readSitePin('--@site 5f0c2a1e-8b7d-4c3e-9a61-2d4f6b8e0c11\r\nSELECT 1', 'sql')?.value, '5f0c2a1e-8b7d-4c3e-9a61-2d4f6b8e0c11');
  });

  it('reads a FHIR pin and keeps the two comment styles apart', () => {
    assert.equal(readSitePin('# @site Sandbox Dental\nGET Patient', 'fhir')?.value, 'Sandbox Dental');
    assert.equal(readSitePin('# @site Sandbox Dental', 'sql'), undefined);
    assert.equal(readSitePin('-- @site Sandbox Dental', 'fhir'), undefined);
  });

  it('only reads the first line, and only a pin with a value', () => {
    assert.equal(readSitePin('SELECT 1\n-- @site Clinic', 'sql'), undefined);
    assert.equal(readSitePin('-- @site   \nSELECT 1', 'sql'), undefined);
    assert.equal(readSitePin('-- @sites Clinic', 'sql'), undefined);
    assert.equal(readSitePin('-- a comment @site Clinic', 'sql'), undefined);
    assert.equal(readSitePin('', 'sql'), undefined);
  });

  it('replaces an existing pin and keeps the rest byte for byte', () => {
    assert.equal(withSitePin('-- @site Old\r\nSELECT 1\r\n', 'sql', 'New Clinic'), '-- @site New Clinic\r\nSELECT 1\r\n');
    assert.equal(withSitePin('# @site Old', 'fhir', ' Other '), '# @site Other');
  });

  it('inserts a pin as the first line with the document line break', () => {
    assert.equal(withSitePin('SELECT 1\nSELECT 2', 'sql', 'Clinic'), '-- @site Clinic\nSELECT 1\nSELECT 2');
    assert.equal(withSitePin('GET Patient\r\n', 'fhir', 'Clinic'), '# @site Clinic\r\nGET Patient\r\n');
    assert.equal(withSitePin('', 'sql', 'Clinic'), '-- @site Clinic\n');
    assert.equal(withSitePin('-- a comment\nSELECT 1', 'sql', 'Clinic'), '-- @site Clinic\n-- a comment\nSELECT 1');
  });

  it('removes a pin when given undefined, and refuses a value that is not one line', () => {
    assert.equal(withSitePin('-- @site Old\nSELECT 1', 'sql', undefined), 'SELECT 1');
    assert.equal(withSitePin('SELECT 1', 'sql', undefined), 'SELECT 1');
    assert.throws(() => withSitePin('SELECT 1', 'sql', 'a\nb'), RangeError);
    assert.throws(() => withSitePin('SELECT 1', 'sql', '  '), RangeError);
  });

  it('round-trips: what withSitePin writes, readSitePin reads', () => {
    for (const language of ['sql', 'fhir'] as const) {
      const text = withSitePin('body', language, 'Clinic #2 (Level 1)');
      assert.equal(readSitePin(text, language)?.value, 'Clinic #2 (Level 1)');
    }
  });
});
