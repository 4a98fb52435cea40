import assert from 'node:assert/strict';
import {
  generateAbn,
  generateHpii,
  generateIhi,
  generateMedicareNumber,
  isPostcodeInState,
  isValidAbn,
  isValidHpii,
  isValidHpio,
  isValidProviderNumber,
  providerNumberFor,
} from '../../../../src/sandbox/data/australianIdentifiers';
import { isValidIhi, isValidMedicareNumber } from '../../../../src/sandbox/data/practiceGenerator';
import { Random } from '../../../../src/sandbox/data/random';

describe('Australian identifiers', () => {
  it('accepts known valid Medicare numbers and rejects corrupted ones', () => {
    // 2·1 + 1·3 + 2·7 + 3·9 + 4·1 + 5·3 + 6·7 + 7·9 = 170 → check digit 0, issue number 1.
    assert.equal(isValidMedicareNumber('2123456701'), true);
    assert.equal(isValidMedicareNumber('2428 77813 2'), true);
    assert.equal(isValidMedicareNumber('2123456711'), false, 'wrong check digit');
    assert.equal(isValidMedicareNumber('2123456700'), false, 'issue number 0');
    assert.equal(isValidMedicareNumber('1123456701'), false, 'first digit must be 2–6');
    assert.equal(isValidMedicareNumber('7123456701'), false, 'first digit must be 2–6');
    assert.equal(isValidMedicareNumber('212345670'), false, 'nine digits');
    assert.equal(isValidMedicareNumber('21234567A1'), false);
  });

  it('accepts the published example IHI, HPI-I and HPI-O and rejects wrong prefixes or check digits', () => {
    assert.equal(isValidIhi('8003608166690503'), true);
    assert.equal(isValidIhi('8003608166690504'), false);
    assert.equal(isValidIhi('8003619900015717'), false, 'an HPI-I is not an IHI');
    assert.equal(isValidHpii('8003619900015717'), true);
    assert.equal(isValidHpio('8003621566684455'), true);
    assert.equal(isValidIhi('800360816669050'), false, '15 digits');
  });

  it('computes Medicare provider number check characters per the published algorithm', () => {
    // 2·3 + 4·5 + 2·8 + 6·4 + 6·2 + 2·1 = 80; location "1" adds 6 → 86 mod 11 = 9 → "B"; location "2" → 92 mod 11 = 4 → "L".
    assert.equal(isValidProviderNumber('2426621B'), true);
    assert.equal(isValidProviderNumber('2426622L'), true);
    assert.equal(isValidProviderNumber('2426621L'), false);
    assert.equal(providerNumberFor('242662', 0), '2426621B');
    assert.equal(providerNumberFor('242662', 1), '2426622L');
    assert.equal(isValidProviderNumber('242662IB'), false, 'I is not a location character');
  });

  it('validates ABNs with the ATO check', () => {
    assert.equal(isValidAbn('51 824 753 556'), true);
    assert.equal(isValidAbn('51 824 753 557'), false);
  });

  it('generates only valid identifiers', () => {
    const random = new Random(99);
    for (let i = 0; i < 2000; i++) {
      assert.ok(isValidMedicareNumber(generateMedicareNumber(random)));
      assert.ok(isValidIhi(generateIhi(random)));
      assert.ok(isValidHpii(generateHpii(random)));
    }
    for (let i = 0; i < 200; i++) {
      assert.ok(isValidAbn(generateAbn(random)));
    }
  });

  it('knows the postcode ranges of the states', () => {
    assert.equal(isPostcodeInState('2150', 'NSW'), true);
    assert.equal(isPostcodeInState('2600', 'ACT'), true);
    assert.equal(isPostcodeInState('2600', 'NSW'), false);
    assert.equal(isPostcodeInState('0800', 'NT'), true);
    assert.equal(isPostcodeInState('3121', 'QLD'), false);
    assert.equal(isPostcodeInState('600', 'WA'), false);
  });
});
