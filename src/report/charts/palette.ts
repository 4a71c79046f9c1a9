/**
 * Colour-blind-safe palette (Okabe–Ito blue/orange/green). Colour is never the only signal: charts also use
 * patterns, letters and text labels.
 */
export const PALETTE = {
  owner: '#0072B2',
  ownerText: '#ffffff',
  manager: '#E69F00',
  managerStroke: '#8a4b00',
  managerText: '#111827',
  both: '#009E73',
  bothText: '#111827',
  none: '#f1f5f9',
  noneStroke: '#94a3b8',
  noneText: '#475569',
  neutral: '#9ca3af',
  band: '#dbeafe',
  bandStroke: '#60a5fa',
  marker: '#111827',
  grid: '#e5e7eb',
  axis: '#6b7280',
  text: '#1f2937',
  muted: '#6b7280',
  background: '#ffffff',
} as const;

export const FONT_FAMILY = "'DejaVu Sans', 'Segoe UI', Arial, Helvetica, sans-serif";
