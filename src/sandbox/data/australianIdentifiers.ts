import type { Random } from './random';

const MEDICARE_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9];

function medicareCheckDigit(firstEight: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += Number(firstEight[i]) * MEDICARE_WEIGHTS[i];
  }
  return sum % 10;
}

/**
 * True for a 10-digit Medicare card number (spaces allowed): first digit 2–6, ninth digit the check digit
 * (weights 1,3,7,9,1,3,7,9 over the first eight, mod 10), tenth the issue number (1–9).
 */
export function isValidMedicareNumber(value: string): boolean {
  const digits = value.replace(/\s+/g, '');
  if (!/^[2-6]\d{7}\d[1-9]$/.test(digits)) {
    return false;
  }
  return medicareCheckDigit(digits.slice(0, 8)) === Number(digits[8]);
}

/** A valid Medicare card number (10 digits, no spaces). */
export function generateMedicareNumber(random: Random): string {
  const firstEight = random.int(2, 6).toString() + random.digits(7);
  return firstEight + medicareCheckDigit(firstEight).toString() + random.int(1, 9).toString();
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check++) {
    if (luhnValid(body + check.toString())) {
      return body + check.toString();
    }
  }
  throw new Error('unreachable: one Luhn digit always fits');
}

/** Healthcare identifiers are 16 digits: a 6-digit prefix naming the kind, 9 digits, a Luhn check digit. */
function isValidHealthcareIdentifier(value: string, prefix: string): boolean {
  const digits = value.replace(/\s+/g, '');
  return /^\d{16}$/.test(digits) && digits.startsWith(prefix) && luhnValid(digits);
}

/** True for an Individual Healthcare Identifier (IHI): 16 digits, prefix 800360, Luhn check digit. */
export function isValidIhi(value: string): boolean {
  return isValidHealthcareIdentifier(value, '800360');
}

/** True for a Healthcare Provider Identifier – Individual (HPI-I): 16 digits, prefix 800361, Luhn check digit. */
export function isValidHpii(value: string): boolean {
  return isValidHealthcareIdentifier(value, '800361');
}

/** True for a Healthcare Provider Identifier – Organisation (HPI-O): 16 digits, prefix 800362, Luhn check digit. */
export function isValidHpio(value: string): boolean {
  return isValidHealthcareIdentifier(value, '800362');
}

export function generateIhi(random: Random): string {
  return luhnComplete('800360' + random.digits(9));
}

export function generateHpii(random: Random): string {
  return luhnComplete('800361' + random.digits(9));
}

export function generateHpio(random: Random): string {
  return luhnComplete('800362' + random.digits(9));
}

const PROVIDER_LOCATION_CHARS = '0123456789ABCDEFGHJKLMNPQRTUVWXY';
const PROVIDER_CHECK_CHARS = 'YXWTLKJHFBA';
const PROVIDER_WEIGHTS = [3, 5, 8, 4, 2, 1];

function providerCheckChar(stem: string, location: string): string {
  let sum = PROVIDER_LOCATION_CHARS.indexOf(location) * 6;
  for (let i = 0; i < 6; i++) {
    sum += Number(stem[i]) * PROVIDER_WEIGHTS[i];
  }
  return PROVIDER_CHECK_CHARS[sum % 11];
}

/**
 * True for a Medicare provider number: a 6-digit stem, a practice location character and a check character
 * (stem weights 3,5,8,4,2,1 plus 6 × the location's value, mod 11, mapped onto "YXWTLKJHFBA").
 */
export function isValidProviderNumber(value: string): boolean {
  const text = value.trim().toUpperCase();
  if (!/^\d{6}[0-9A-HJ-NP-RT-Y][A-Z]$/.test(text)) {
    return false;
  }
  return providerCheckChar(text.slice(0, 6), text[6]) === text[7];
}

/** The provider number of one practitioner at the practice location numbered `locationIndex` (0-based). */
export function providerNumberFor(stem: string, locationIndex: number): string {
  const location = PROVIDER_LOCATION_CHARS[(locationIndex + 1) % PROVIDER_LOCATION_CHARS.length];
  return stem + location + providerCheckChar(stem, location);
}

/** A provider-number stem (the six digits a practitioner keeps across locations); stems start 2–4 like issued ones. */
export function generateProviderStem(random: Random): string {
  return random.int(2, 4).toString() + random.digits(5);
}

const ABN_WEIGHTS = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

/** True for an Australian Business Number (11 digits, spaces allowed) per the ATO's mod-89 check. */
export function isValidAbn(value: string): boolean {
  const digits = value.replace(/\s+/g, '');
  if (!/^[1-9]\d{10}$/.test(digits)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    sum += (Number(digits[i]) - (i === 0 ? 1 : 0)) * ABN_WEIGHTS[i];
  }
  return sum % 89 === 0;
}

/** A valid ABN formatted "NN NNN NNN NNN". Draws bodies until one has a check pair (about one in nine has none). */
export function generateAbn(random: Random): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const body = random.digits(9);
    let partial = 0;
    for (let i = 0; i < 9; i++) {
      partial += Number(body[i]) * ABN_WEIGHTS[i + 2];
    }
    for (let check = 10; check <= 99; check++) {
      const first = Math.floor(check / 10);
      const second = check % 10;
      if ((partial + (first - 1) * ABN_WEIGHTS[0] + second * ABN_WEIGHTS[1]) % 89 === 0) {
        const abn = `${check}${body}`;
        return `${abn.slice(0, 2)} ${abn.slice(2, 5)} ${abn.slice(5, 8)} ${abn.slice(8)}`;
      }
    }
  }
  throw new Error('could not draw a valid ABN');
}

/** A Centrelink customer reference number as printed on pension cards: 9 digits and a letter. */
export function generatePensionNumber(random: Random): string {
  return random.digits(3) + ' ' + random.digits(3) + ' ' + random.digits(3) + String.fromCharCode(65 + random.int(0, 25));
}

/** A DVA file number: state letter, war code and digits, e.g. "NX123456". */
export function generateDvaNumber(random: Random, state: AustralianState): string {
  const stateLetter: Record<AustralianState, string> = { NSW: 'N', ACT: 'N', VIC: 'V', QLD: 'Q', SA: 'S', WA: 'W', TAS: 'T', NT: 'S' };
  return stateLetter[state] + random.pick(['X', 'SS', 'SM', 'SW', 'NX']) + random.digits(6).replace(/^0/, '1');
}

export function generateMobile(random: Random): string {
  return `04${random.digits(2)} ${random.digits(3)} ${random.digits(3)}`;
}

const AREA_CODE: Record<AustralianState, string> = { NSW: '02', ACT: '02', VIC: '03', TAS: '03', QLD: '07', SA: '08', WA: '08', NT: '08' };

export function generateLandline(random: Random, state: AustralianState): string {
  return `(${AREA_CODE[state]}) ${random.int(4, 9)}${random.digits(3)} ${random.digits(4)}`;
}

export type AustralianState = 'NSW' | 'VIC' | 'QLD' | 'SA' | 'WA' | 'TAS' | 'ACT' | 'NT';

const POSTCODE_RANGES: Record<AustralianState, readonly (readonly [number, number])[]> = {
  NSW: [[1000, 2599], [2619, 2899], [2921, 2999]],
  ACT: [[200, 299], [2600, 2618], [2900, 2920]],
  VIC: [[3000, 3999], [8000, 8999]],
  QLD: [[4000, 4999], [9000, 9999]],
  SA: [[5000, 5999]],
  WA: [[6000, 6797], [6800, 6999]],
  TAS: [[7000, 7999]],
  NT: [[800, 999]],
};

/** True when a 4-digit postcode lies in one of Australia Post's ranges for the state. */
export function isPostcodeInState(postcode: string, state: AustralianState): boolean {
  if (!/^\d{4}$/.test(postcode)) {
    return false;
  }
  const value = Number(postcode);
  return POSTCODE_RANGES[state].some(([low, high]) => value >= low && value <= high);
}
