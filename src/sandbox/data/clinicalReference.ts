import type { AppointmentKind, Sex } from './practiceModel';

/*
 * Reference catalogues shared by every practice: conditions with SNOMED CT-AU concept ids, PBS-style products,
 * National Immunisation Program vaccines, MBS and ADA items. Fees are cents, close to the 2024–25 schedules.
 */

export interface ConditionDefinition {
  conditionId: number;
  name: string;
  snomed: string;
  minAge: number;
  /** Chance that a patient at or above `peakAge` has it; younger patients scale down linearly from minAge. */
  prevalence: number;
  peakAge: number;
  sex?: Sex;
  /** Resolved conditions (operations, episodes) are recorded as inactive history. */
  resolved?: boolean;
  productIds: readonly number[];
}

export const CONDITIONS: readonly ConditionDefinition[] = [
  { conditionId: 1, name: 'Essential hypertension', snomed: '59621000', minAge: 30, peakAge: 70, prevalence: 0.45, productIds: [1, 2, 3, 4] },
  { conditionId: 2, name: 'Type 2 diabetes mellitus', snomed: '44054006', minAge: 30, peakAge: 70, prevalence: 0.16, productIds: [5, 6, 7, 8] },
  { conditionId: 3, name: 'Hypercholesterolaemia', snomed: '13644009', minAge: 30, peakAge: 65, prevalence: 0.35, productIds: [9, 10] },
  { conditionId: 4, name: 'Asthma', snomed: '195967001', minAge: 2, peakAge: 10, prevalence: 0.11, productIds: [11, 12] },
  { conditionId: 5, name: 'Depression', snomed: '35489007', minAge: 14, peakAge: 30, prevalence: 0.12, productIds: [13, 14, 15] },
  { conditionId: 6, name: 'Anxiety disorder', snomed: '197480006', minAge: 12, peakAge: 25, prevalence: 0.13, productIds: [14] },
  { conditionId: 7, name: 'Osteoarthritis', snomed: '396275006', minAge: 45, peakAge: 75, prevalence: 0.35, productIds: [16, 17] },
  { conditionId: 8, name: 'Gastro-oesophageal reflux disease', snomed: '235595009', minAge: 20, peakAge: 55, prevalence: 0.14, productIds: [18, 19] },
  { conditionId: 9, name: 'Hypothyroidism', snomed: '40930008', minAge: 25, peakAge: 60, prevalence: 0.07, sex: 'female', productIds: [20] },
  { conditionId: 10, name: 'Chronic obstructive pulmonary disease', snomed: '13645005', minAge: 45, peakAge: 75, prevalence: 0.08, productIds: [21, 11] },
  { conditionId: 11, name: 'Atrial fibrillation', snomed: '49436004', minAge: 55, peakAge: 85, prevalence: 0.1, productIds: [22, 23] },
  { conditionId: 12, name: 'Ischaemic heart disease', snomed: '414545008', minAge: 45, peakAge: 80, prevalence: 0.12, productIds: [24, 9, 25] },
  { conditionId: 13, name: 'Chronic kidney disease', snomed: '709044004', minAge: 50, peakAge: 80, prevalence: 0.1, productIds: [] },
  { conditionId: 14, name: 'Osteoporosis', snomed: '64859006', minAge: 55, peakAge: 80, prevalence: 0.2, sex: 'female', productIds: [26, 27] },
  { conditionId: 15, name: 'Migraine', snomed: '37796009', minAge: 12, peakAge: 30, prevalence: 0.1, productIds: [28] },
  { conditionId: 16, name: 'Atopic dermatitis', snomed: '24079001', minAge: 0, peakAge: 3, prevalence: 0.12, productIds: [29] },
  { conditionId: 17, name: 'Gout', snomed: '90560007', minAge: 35, peakAge: 65, prevalence: 0.05, sex: 'male', productIds: [30] },
  { conditionId: 18, name: 'Obesity', snomed: '414916001', minAge: 10, peakAge: 50, prevalence: 0.2, productIds: [] },
  { conditionId: 19, name: 'Attention deficit hyperactivity disorder', snomed: '406506008', minAge: 6, peakAge: 10, prevalence: 0.05, productIds: [31] },
  { conditionId: 20, name: 'Coeliac disease', snomed: '396331005', minAge: 5, peakAge: 30, prevalence: 0.015, productIds: [] },
  { conditionId: 21, name: 'Appendicectomy', snomed: '80146002', minAge: 8, peakAge: 40, prevalence: 0.07, resolved: true, productIds: [] },
  { conditionId: 22, name: 'Tonsillectomy', snomed: '173422009', minAge: 4, peakAge: 20, prevalence: 0.08, resolved: true, productIds: [] },
  { conditionId: 23, name: 'Fracture of radius', snomed: '12676007', minAge: 5, peakAge: 20, prevalence: 0.06, resolved: true, productIds: [] },
  { conditionId: 24, name: 'Acute otitis media', snomed: '3110003', minAge: 0, peakAge: 2, prevalence: 0.2, resolved: true, productIds: [] },
  { conditionId: 25, name: 'Low back pain', snomed: '279039007', minAge: 18, peakAge: 45, prevalence: 0.12, resolved: true, productIds: [] },
  { conditionId: 26, name: 'Contraception', snomed: '13197004', minAge: 16, peakAge: 20, prevalence: 0.25, sex: 'female', productIds: [32] },
];

export interface ProductDefinition {
  productId: number;
  name: string;
  generic: string;
  strength: string;
  form: string;
  dose: string;
  frequency: string;
  route: string;
  quantity: string;
  unit: string;
  repeats: number;
  prn: boolean;
  schedule: 'S2' | 'S3' | 'S4' | 'S8';
}

const product = (
  productId: number, name: string, generic: string, strength: string, form: string, dose: string, frequency: string,
  quantity: string, repeats: number, options: { route?: string; unit?: string; prn?: boolean; schedule?: ProductDefinition['schedule'] } = {},
): ProductDefinition => ({
  productId, name, generic, strength, form, dose, frequency, quantity, repeats,
  route: options.route ?? 'Oral', unit: options.unit ?? 'Tablet(s)', prn: options.prn ?? false, schedule: options.schedule ?? 'S4',
});

export const PRODUCTS: readonly ProductDefinition[] = [
  product(1, 'Coversyl 5mg tablet', 'perindopril arginine', '5 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(2, 'Norvasc 5mg tablet', 'amlodipine', '5 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(3, 'Avapro 150mg tablet', 'irbesartan', '150 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(4, 'Micardis 40mg tablet', 'telmisartan', '40 mg', 'Tablet', '1', 'Once daily', '28', 5),
  product(5, 'Diabex XR 1000mg tablet', 'metformin hydrochloride', '1000 mg', 'Modified release tablet', '1', 'Twice daily with meals', '60', 5),
  product(6, 'Diamicron MR 60mg tablet', 'gliclazide', '60 mg', 'Modified release tablet', '1', 'Once daily with breakfast', '30', 5),
  product(7, 'Jardiance 10mg tablet', 'empagliflozin', '10 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(8, 'Januvia 100mg tablet', 'sitagliptin', '100 mg', 'Tablet', '1', 'Once daily', '28', 5),
  product(9, 'Lipitor 40mg tablet', 'atorvastatin', '40 mg', 'Tablet', '1', 'Once daily at night', '30', 5),
  product(10, 'Crestor 10mg tablet', 'rosuvastatin', '10 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(11, 'Ventolin 100mcg inhaler', 'salbutamol', '100 microgram/dose', 'Pressurised inhalation', '2 puffs', 'Every 4 hours when required', '1', 1,
    { route: 'Inhalation', unit: 'Inhaler', prn: true, schedule: 'S3' }),
  product(12, 'Symbicort Turbuhaler 200/6', 'budesonide with formoterol', '200 microgram/6 microgram', 'Powder for inhalation', '2 puffs', 'Twice daily', '1', 5,
    { route: 'Inhalation', unit: 'Inhaler' }),
  product(13, 'Zoloft 50mg tablet', 'sertraline', '50 mg', 'Tablet', '1', 'Once daily', '30', 5),
  product(14, 'Lexapro 10mg tablet', 'escitalopram', '10 mg', 'Tablet', '1', 'Once daily', '28', 5),
  product(15, 'Pristiq 50mg tablet', 'desvenlafaxine', '50 mg', 'Modified release tablet', '1', 'Once daily', '28', 5),
  product(16, 'Panadol Osteo 665mg tablet', 'paracetamol', '665 mg', 'Modified release tablet', '2', 'Three times daily', '96', 2, { schedule: 'S2' }),
  product(17, 'Celebrex 200mg capsule', 'celecoxib', '200 mg', 'Capsule', '1', 'Once daily', '30', 3, { unit: 'Capsule(s)' }),
  product(18, 'Somac 40mg tablet', 'pantoprazole', '40 mg', 'Enteric tablet', '1', 'Once daily before breakfast', '30', 5),
  product(19, 'Nexium 20mg tablet', 'esomeprazole', '20 mg', 'Enteric tablet', '1', 'Once daily', '30', 5),
  product(20, 'Eutroxsig 100mcg tablet', 'levothyroxine sodium', '100 microgram', 'Tablet', '1', 'Once daily before breakfast', '200', 1),
  product(21, 'Spiriva 18mcg inhalation capsule', 'tiotropium', '18 microgram', 'Inhalation capsule', '1 capsule', 'Once daily', '30', 5,
    { route: 'Inhalation', unit: 'Capsule(s)' }),
  product(22, 'Eliquis 5mg tablet', 'apixaban', '5 mg', 'Tablet', '1', 'Twice daily', '60', 5),
  product(23, 'Metoprolol 50mg tablet', 'metoprolol tartrate', '50 mg', 'Tablet', '1', 'Twice daily', '100', 1),
  product(24, 'Cartia 100mg tablet', 'aspirin', '100 mg', 'Enteric tablet', '1', 'Once daily', '84', 0, { schedule: 'S2' }),
  product(25, 'Nitrolingual Pumpspray', 'glyceryl trinitrate', '400 microgram/dose', 'Sublingual spray', '1 spray', 'When required for chest pain', '1', 1,
    { route: 'Sublingual', unit: 'Spray', prn: true, schedule: 'S3' }),
  product(26, 'Prolia 60mg/mL injection', 'denosumab', '60 mg/mL', 'Injection', '60 mg', 'Every 6 months', '1', 1,
    { route: 'Subcutaneous', unit: 'Syringe' }),
  product(27, 'Fosamax Once Weekly 70mg tablet', 'alendronate', '70 mg', 'Tablet', '1', 'Once weekly', '4', 5),
  product(28, 'Imigran 50mg tablet', 'sumatriptan', '50 mg', 'Tablet', '1', 'At onset of migraine, may repeat after 2 hours', '4', 2, { prn: true }),
  product(29, 'Advantan Fatty Ointment 0.1%', 'methylprednisolone aceponate', '0.1%', 'Ointment', 'Apply thinly', 'Once daily to affected areas', '15 g', 1,
    { route: 'Topical', unit: 'Tube' }),
  product(30, 'Zyloprim 300mg tablet', 'allopurinol', '300 mg', 'Tablet', '1', 'Once daily', '60', 5),
  product(31, 'Ritalin 10mg tablet', 'methylphenidate hydrochloride', '10 mg', 'Tablet', '1', 'Twice daily', '100', 2, { schedule: 'S8' }),
  product(32, 'Levlen ED tablet', 'levonorgestrel with ethinylestradiol', '150 microgram/30 microgram', 'Tablet', '1', 'Once daily', '4 x 28', 3),
];

export interface VaccineDefinition {
  vaccineId: number;
  name: string;
  schedule: string;
}

export const VACCINES: readonly VaccineDefinition[] = [
  { vaccineId: 1, name: 'H-B-Vax II Paediatric', schedule: 'Birth' },
  { vaccineId: 2, name: 'Infanrix hexa', schedule: '2, 4 and 6 months' },
  { vaccineId: 3, name: 'Prevenar 13', schedule: '2, 4 and 12 months; 70 years' },
  { vaccineId: 4, name: 'Rotarix', schedule: '2 and 4 months' },
  { vaccineId: 5, name: 'Nimenrix', schedule: '12 months; 14–16 years' },
  { vaccineId: 6, name: 'M-M-R II', schedule: '12 months' },
  { vaccineId: 7, name: 'Priorix-Tetra', schedule: '18 months' },
  { vaccineId: 8, name: 'Infanrix', schedule: '18 months' },
  { vaccineId: 9, name: 'ActHIB', schedule: '18 months' },
  { vaccineId: 10, name: 'Infanrix-IPV', schedule: '4 years' },
  { vaccineId: 11, name: 'Gardasil 9', schedule: '12–13 years' },
  { vaccineId: 12, name: 'Boostrix', schedule: '12–13 years; pregnancy' },
  { vaccineId: 13, name: 'Vaxigrip Tetra', schedule: 'Annual, 6 months to 64 years' },
  { vaccineId: 14, name: 'Fluad Quad', schedule: 'Annual, 65 years and over' },
  { vaccineId: 15, name: 'Shingrix', schedule: '65 years and over, two doses' },
  { vaccineId: 16, name: 'Comirnaty', schedule: 'COVID-19' },
  { vaccineId: 17, name: 'Abrysvo', schedule: 'Pregnancy, 28–36 weeks' },
];

/** The childhood National Immunisation Program: vaccine ids due at each age in months. */
export const CHILDHOOD_SCHEDULE: readonly { ageMonths: number; vaccineIds: readonly number[] }[] = [
  { ageMonths: 0, vaccineIds: [1] },
  { ageMonths: 2, vaccineIds: [2, 3, 4] },
  { ageMonths: 4, vaccineIds: [2, 3, 4] },
  { ageMonths: 6, vaccineIds: [2] },
  { ageMonths: 12, vaccineIds: [5, 6, 3] },
  { ageMonths: 18, vaccineIds: [7, 8, 9] },
  { ageMonths: 48, vaccineIds: [10] },
  { ageMonths: 150, vaccineIds: [11, 12] },
  { ageMonths: 180, vaccineIds: [5] },
];

export const ALLERGENS: readonly { substance: string; reactions: readonly string[]; weight: number }[] = [
  { substance: 'Penicillin', reactions: ['Rash', 'Urticaria', 'Anaphylaxis'], weight: 30 },
  { substance: 'Amoxicillin', reactions: ['Rash', 'Urticaria'], weight: 12 },
  { substance: 'Sulfonamides', reactions: ['Rash', 'Fever'], weight: 8 },
  { substance: 'Codeine', reactions: ['Nausea', 'Vomiting', 'Constipation'], weight: 10 },
  { substance: 'Cefalexin', reactions: ['Rash'], weight: 5 },
  { substance: 'Aspirin', reactions: ['Bronchospasm', 'Urticaria'], weight: 4 },
  { substance: 'Ibuprofen', reactions: ['Bronchospasm', 'Gastrointestinal upset'], weight: 5 },
  { substance: 'Peanut', reactions: ['Anaphylaxis', 'Angioedema', 'Urticaria'], weight: 8 },
  { substance: 'Shellfish', reactions: ['Urticaria', 'Angioedema'], weight: 4 },
  { substance: 'Bee venom', reactions: ['Anaphylaxis', 'Local swelling'], weight: 4 },
  { substance: 'Latex', reactions: ['Contact dermatitis'], weight: 3 },
  { substance: 'Trimethoprim', reactions: ['Rash'], weight: 3 },
  { substance: 'Morphine', reactions: ['Pruritus', 'Nausea'], weight: 3 },
  { substance: 'Egg', reactions: ['Urticaria', 'Vomiting'], weight: 3 },
];

export interface ServiceItem {
  item: string;
  description: string;
  /** Schedule fee in cents. */
  fee: number;
}

export const MBS_ITEMS: Readonly<Record<string, ServiceItem>> = Object.fromEntries(
  ([
    ['3', 'Level A consultation', 1960],
    ['23', 'Level B consultation', 4285],
    ['36', 'Level C consultation', 8290],
    ['44', 'Level D consultation', 12215],
    ['701', 'Brief health assessment', 6630],
    ['703', 'Standard health assessment', 15390],
    ['705', 'Long health assessment', 21245],
    ['707', 'Prolonged health assessment', 30000],
    ['721', 'GP management plan', 16435],
    ['723', 'Team care arrangement', 13025],
    ['732', 'Review of GP management plan or team care arrangement', 8210],
    ['2700', 'GP mental health treatment plan (20–39 minutes)', 7625],
    ['2712', 'Review of GP mental health treatment plan', 7625],
    ['10990', 'Bulk-billing incentive', 795],
    ['10997', 'Practice nurse service for a patient with a chronic disease', 1325],
    ['91800', 'Video consultation, level B', 4285],
    ['91891', 'Telephone consultation, level B', 4285],
    ['30071', 'Diagnostic biopsy of skin', 5175],
    ['16500', 'Antenatal attendance', 4945],
  ] as const).map(([item, description, fee]) => [item, { item, description, fee }]),
);

export const ADA_ITEMS: Readonly<Record<string, ServiceItem>> = Object.fromEntries(
  ([
    ['011', 'Comprehensive oral examination', 7000],
    ['012', 'Periodic oral examination', 5500],
    ['013', 'Oral examination – limited', 4800],
    ['022', 'Intraoral periapical or bitewing radiograph', 4000],
    ['037', 'Panoramic radiograph', 11000],
    ['114', 'Removal of calculus – first visit', 13500],
    ['121', 'Topical application of remineralisation agents – one treatment', 4200],
    ['161', 'Fissure and/or tooth surface sealing – per tooth', 6500],
    ['311', 'Removal of a tooth or part(s) thereof', 22000],
    ['322', 'Surgical removal of a tooth or tooth fragment requiring removal of bone', 38000],
    ['415', 'Complete chemo-mechanical preparation of root canal – one canal', 42000],
    ['521', 'Adhesive restoration – one surface – anterior tooth – direct', 16000],
    ['522', 'Adhesive restoration – two surfaces – anterior tooth – direct', 20000],
    ['531', 'Adhesive restoration – one surface – posterior tooth – direct', 17500],
    ['532', 'Adhesive restoration – two surfaces – posterior tooth – direct', 22500],
    ['533', 'Adhesive restoration – three surfaces – posterior tooth – direct', 27000],
    ['615', 'Full crown – veneered – indirect', 175000],
    ['711', 'Complete maxillary denture', 190000],
  ] as const).map(([item, description, fee]) => [item, { item, description, fee }]),
);

/** Appointment kinds each role books, with their share of that role's bookings and their length in 15-minute slots. */
export const APPOINTMENT_MIX: Readonly<Record<'gp' | 'nurse' | 'dentist' | 'hygienist', readonly { kind: AppointmentKind; weight: number; slots: number }[]>> = {
  gp: [
    { kind: 'standard', weight: 62, slots: 1 },
    { kind: 'long', weight: 12, slots: 2 },
    { kind: 'newPatient', weight: 4, slots: 2 },
    { kind: 'telehealth', weight: 8, slots: 1 },
    { kind: 'carePlan', weight: 5, slots: 2 },
    { kind: 'mentalHealth', weight: 4, slots: 2 },
    { kind: 'healthAssessment', weight: 2, slots: 2 },
    { kind: 'procedure', weight: 3, slots: 2 },
  ],
  nurse: [
    { kind: 'immunisation', weight: 55, slots: 1 },
    { kind: 'nurse', weight: 45, slots: 2 },
  ],
  dentist: [
    { kind: 'dentalCheckup', weight: 45, slots: 2 },
    { kind: 'dentalTreatment', weight: 45, slots: 4 },
    { kind: 'dentalEmergency', weight: 10, slots: 2 },
  ],
  hygienist: [{ kind: 'hygiene', weight: 1, slots: 3 }],
};

export const APPOINTMENT_KIND_NAMES: Readonly<Record<AppointmentKind, string>> = {
  standard: 'Standard appointment',
  long: 'Long appointment',
  newPatient: 'New patient',
  healthAssessment: 'Health assessment',
  carePlan: 'Care plan',
  mentalHealth: 'Mental health plan',
  immunisation: 'Immunisation',
  telehealth: 'Telehealth',
  procedure: 'Procedure',
  nurse: 'Nurse appointment',
  dentalCheckup: 'Check-up and clean',
  dentalTreatment: 'Treatment',
  dentalEmergency: 'Emergency',
  hygiene: 'Hygienist clean',
};

export const VISIT_NOTES: readonly string[] = [
  'Upper respiratory tract infection. Symptomatic management advised, review if not improving.',
  'Blood pressure review. Tolerating medication, continue current dose.',
  'Repeat prescriptions. No new concerns.',
  'Results discussed. Bloods within normal limits.',
  'Lower back pain after lifting. Simple analgesia and physiotherapy referral.',
  'Skin check. Lesion on back excised and sent for histology.',
  'Diabetes review. HbA1c improved, foot check normal.',
  'Mental health review. Mood improving, continue psychology sessions.',
  'Childhood immunisations given. No adverse reaction observed.',
  'Gastroenteritis. Oral rehydration advised, work certificate provided.',
  'Asthma review. Action plan updated, inhaler technique checked.',
  'Care plan prepared with practice nurse and allied health referrals.',
  'Insomnia. Sleep hygiene discussed.',
  'Otitis media. Amoxicillin prescribed, review in one week.',
  'Pre-travel consultation. Vaccinations and malaria prophylaxis discussed.',
  'Annual health assessment completed.',
  'Knee pain. X-ray requested, referral to orthopaedics if no improvement.',
  'Antenatal visit. Fundal height consistent with dates.',
];

export const INVESTIGATION_TESTS: readonly string[] = [
  'Full blood count', 'Urea, electrolytes and creatinine', 'Liver function tests', 'Fasting lipids', 'HbA1c',
  'Thyroid function tests', 'Iron studies', 'Vitamin D', 'Urine microscopy and culture', 'ECG', 'Chest X-ray',
  'Ultrasound abdomen', 'Histopathology – skin', 'CRP', 'Vitamin B12 and folate',
];

export const INVESTIGATION_ACTIONS: readonly string[] = ['No action', 'Discuss at next visit', 'Urgent appointment', 'Non-urgent appointment', 'Reception to notify patient'];

export const RECALL_REASONS: readonly string[] = [
  'Periodic examination and clean', 'Review restoration', 'Hygiene maintenance', 'Fissure sealant review', 'Orthodontic review',
];
