// The project's settings file name, on its own so the CRM ID rules (crm/) can name it in a hint
// without importing config.ts, which reads the `crm:` setting with those rules' names.
export const CONFIG_FILE = 'mapsync.config.yaml';
