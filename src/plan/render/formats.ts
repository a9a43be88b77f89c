// The --format choices of plan, drift and show: a module of its own so that registering those
// commands does not load the renderers.
export const FORMATS = ['text', 'markdown', 'json', 'checklist'] as const;
export type Format = (typeof FORMATS)[number];
