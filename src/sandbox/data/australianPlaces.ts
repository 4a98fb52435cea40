import type { AustralianState } from './australianIdentifiers';

export interface Suburb {
  name: string;
  state: AustralianState;
  postcode: string;
}

/** Real suburbs with their real postcodes, grouped around the metropolitan areas a practice is placed in. */
export const SUBURBS_BY_STATE: Readonly<Record<AustralianState, readonly Suburb[]>> = group([
  ['NSW', 'Parramatta', '2150'], ['NSW', 'Blacktown', '2148'], ['NSW', 'Chatswood', '2067'], ['NSW', 'Hornsby', '2077'],
  ['NSW', 'Penrith', '2750'], ['NSW', 'Liverpool', '2170'], ['NSW', 'Bondi', '2026'], ['NSW', 'Newtown', '2042'],
  ['NSW', 'Manly', '2095'], ['NSW', 'Castle Hill', '2154'], ['NSW', 'Cronulla', '2230'], ['NSW', 'Ryde', '2112'],
  ['NSW', 'Wollongong', '2500'], ['NSW', 'Newcastle', '2300'], ['NSW', 'Gosford', '2250'], ['NSW', 'Campbelltown', '2560'],
  ['VIC', 'Richmond', '3121'], ['VIC', 'Footscray', '3011'], ['VIC', 'Box Hill', '3128'], ['VIC', 'Frankston', '3199'],
  ['VIC', 'Dandenong', '3175'], ['VIC', 'Brunswick', '3056'], ['VIC', 'St Kilda', '3182'], ['VIC', 'Glen Waverley', '3150'],
  ['VIC', 'Werribee', '3030'], ['VIC', 'Geelong', '3220'], ['VIC', 'Ballarat Central', '3350'], ['VIC', 'Bendigo', '3550'],
  ['VIC', 'Ringwood', '3134'], ['VIC', 'Sunbury', '3429'], ['VIC', 'Preston', '3072'], ['VIC', 'Cranbourne', '3977'],
  ['QLD', 'Toowong', '4066'], ['QLD', 'Chermside', '4032'], ['QLD', 'Indooroopilly', '4068'], ['QLD', 'Southport', '4215'],
  ['QLD', 'Ipswich', '4305'], ['QLD', 'Logan Central', '4114'], ['QLD', 'Caboolture', '4510'], ['QLD', 'Maroochydore', '4558'],
  ['QLD', 'Townsville City', '4810'], ['QLD', 'Cairns City', '4870'], ['QLD', 'Toowoomba City', '4350'], ['QLD', 'Redcliffe', '4020'],
  ['SA', 'Adelaide', '5000'], ['SA', 'Glenelg', '5045'], ['SA', 'Norwood', '5067'], ['SA', 'Salisbury', '5108'],
  ['SA', 'Elizabeth', '5112'], ['SA', 'Marion', '5043'], ['SA', 'Modbury', '5092'], ['SA', 'Mount Barker', '5251'],
  ['WA', 'Fremantle', '6160'], ['WA', 'Joondalup', '6027'], ['WA', 'Midland', '6056'], ['WA', 'Subiaco', '6008'],
  ['WA', 'Rockingham', '6168'], ['WA', 'Mandurah', '6210'], ['WA', 'Cannington', '6107'], ['WA', 'Scarborough', '6019'],
  ['TAS', 'Hobart', '7000'], ['TAS', 'Sandy Bay', '7005'], ['TAS', 'Glenorchy', '7010'], ['TAS', 'Launceston', '7250'],
  ['TAS', 'Kingston', '7050'], ['TAS', 'Devonport', '7310'],
  ['ACT', 'Belconnen', '2617'], ['ACT', 'Woden', '2606'], ['ACT', 'Tuggeranong', '2900'], ['ACT', 'Gungahlin', '2912'],
  ['ACT', 'Braddon', '2612'], ['ACT', 'Kingston', '2604'],
  ['NT', 'Darwin', '0800'], ['NT', 'Palmerston', '0830'], ['NT', 'Casuarina', '0810'], ['NT', 'Alice Springs', '0870'],
]);

/** How a practice's patients spread over states: most live in the practice's own state, a few just over a border. */
export const STATE_WEIGHTS: Readonly<Record<AustralianState, number>> = {
  NSW: 31, VIC: 26, QLD: 20, WA: 10, SA: 7, TAS: 2, ACT: 2, NT: 1,
};

export const STREET_SUFFIXES = ['Street', 'Road', 'Avenue', 'Parade', 'Crescent', 'Place', 'Drive', 'Court', 'Lane', 'Close', 'Terrace', 'Way'];

function group(rows: readonly (readonly [AustralianState, string, string])[]): Record<AustralianState, Suburb[]> {
  const byState: Record<AustralianState, Suburb[]> = { NSW: [], VIC: [], QLD: [], SA: [], WA: [], TAS: [], ACT: [], NT: [] };
  for (const [state, name, postcode] of rows) {
    byState[state].push({ name, state, postcode });
  }
  return byState;
}
