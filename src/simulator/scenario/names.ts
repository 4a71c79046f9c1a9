import type { Random } from '../random.js';

export const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chiara',
  'Dev',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Lars',
  'Mei',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sami',
  'Tove',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zofia',
  'Aiko',
  'Bruno',
  'Carmen',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Gustav',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Mateo',
  'Noor',
  'Olga',
  'Pedro',
  'Rin',
  'Sofia',
  'Tariq',
  'Ula',
  'Viktor',
  'Yara',
  'Zane',
  'Anika',
  'Bilal',
  'Clara',
  'Diego',
  'Esme',
  'Felix',
  'Gita',
  'Hugo',
  'Isla',
  'Jamal',
  'Kira',
] as const;

export const LAST_NAMES = [
  'Okafor',
  'Lindqvist',
  'Rossi',
  'Patel',
  'Yilmaz',
  'Haddad',
  'Berg',
  'Tanaka',
  'Costa',
  'Weber',
  'Iyer',
  'Nielsen',
  'Chen',
  'Kowalski',
  'Andersson',
  'Sharma',
  'Dubois',
  'Moreno',
  'Khalil',
  'Holm',
  'Rahman',
  'Novak',
  'Liu',
  'Garcia',
  'Demir',
  'Zielinska',
  'Sato',
  'Almeida',
  'Fischer',
  'Petrov',
  'Adeyemi',
  'Mansour',
  'Larsen',
  'Kim',
  'Ivanova',
  'Schmidt',
  'Mensah',
  'Vogel',
  'Ruiz',
  'Hussain',
  'Sokolova',
  'Santos',
  'Mori',
  'Bianchi',
  'Aziz',
  'Eriksen',
  'Horvat',
  'Nakamura',
  'Ferreira',
  'Baker',
  'Quinn',
  'Meyer',
  'Abara',
  'Torres',
  'Lund',
  'Park',
  'Varga',
  'Ozturk',
] as const;

/** Product areas teams are named after, with their project keys. */
export const TEAM_NAMES: ReadonlyArray<{ name: string; key: string; product: string }> = [
  { name: 'Payments', key: 'PAY', product: 'payment processing' },
  { name: 'Checkout', key: 'CHK', product: 'checkout flow' },
  { name: 'Mobile', key: 'MOB', product: 'mobile app' },
  { name: 'Search', key: 'SRCH', product: 'product search' },
  { name: 'Platform', key: 'PLAT', product: 'platform services' },
  { name: 'Growth', key: 'GRO', product: 'onboarding and growth' },
  { name: 'Identity', key: 'IDN', product: 'login and accounts' },
];

const ACTORS = ['shopper', 'merchant', 'admin', 'support agent', 'new user', 'returning customer', 'finance analyst'];
const GOALS = [
  'save a payment method',
  'see order history',
  'filter results by price',
  'reset my password',
  'export monthly reports',
  'get notified about delays',
  'compare plans',
  'undo a refund',
  'invite teammates',
  'schedule a delivery slot',
  'pay in instalments',
  'switch the language',
  'see delivery estimates',
  'bulk edit products',
];
const TECH = [
  'Upgrade the HTTP client',
  'Add retries to the ledger sync',
  'Migrate the session store',
  'Reduce p95 latency of the search API',
  'Split the monolith module',
  'Add tracing to the job runner',
  'Harden input validation',
  'Remove the legacy feature flag',
  'Rotate signing keys',
  'Cache the pricing rules',
];
const BUGS = [
  'Crash when the cart is empty',
  'Wrong currency shown in receipts',
  'Timeout on large exports',
  'Duplicate notification emails',
  'Layout breaks on small screens',
  'Totals off by one cent',
  'Login loops after password reset',
  'Search ignores accents',
];
const THEMES = [
  'Faster checkout',
  'Trust and safety',
  'International expansion',
  'Self-service',
  'Reliability',
  'Merchant tools',
];

export function storySummary(random: Random): string {
  return `As a ${random.pick(ACTORS)} I want to ${random.pick(GOALS)}`;
}
export function taskSummary(random: Random): string {
  return random.pick(TECH);
}
export function bugSummary(random: Random): string {
  return random.pick(BUGS);
}
export function epicSummary(random: Random, product: string): string {
  return `${random.pick(THEMES)}: ${product} ${random.pick(['v2', 'revamp', 'foundations', 'phase 2', 'beta', 'GA'])}`;
}
export function initiativeSummary(random: Random): string {
  return `${random.pick(THEMES)} ${random.pick(['2026', 'H2', 'programme', 'bet'])}`;
}
export function ideaSummary(random: Random, product: string): string {
  return `Idea: ${random.pick(GOALS)} in ${product}`;
}
export function subtaskSummary(random: Random): string {
  return random.pick([
    'Write tests',
    'Update API docs',
    'Implement backend',
    'Implement UI',
    'Code review fixes',
    'QA pass',
  ]);
}
export const COMPONENT_NAMES = [
  'API',
  'Web',
  'iOS',
  'Android',
  'Ledger',
  'Notifications',
  'Billing',
  'Auth',
  'Search index',
  'Reporting',
  'Admin',
  'Pricing',
  'Catalog',
  'Shipping',
  'Analytics',
  'Gateway',
  'Scheduler',
  'Storage',
] as const;
export const LABELS = [
  'tech-debt',
  'customer',
  'security',
  'ux',
  'performance',
  'compliance',
  'quick-win',
  'needs-design',
] as const;
