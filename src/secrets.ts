// Secrets come only from the environment. Every line mapsync prints, logs or posts passes
// through redact(), so a token that leaks into an error message from a library is masked too.

/** Environment variables whose values are credentials. Adapters add theirs here. */
export const SECRET_ENV_VARS = [
  'SF_ACCESS_TOKEN',
  'SF_PASSWORD',
  'SF_SECURITY_TOKEN',
  'SF_REFRESH_TOKEN',
  'SF_CLIENT_SECRET',
  // The PEM whole; src/salesforce/jwt.ts also masks it line by line.
  'SF_JWT_KEY',
  'OUTREACH_ACCESS_TOKEN',
  'OUTREACH_CLIENT_SECRET',
  'OUTREACH_REFRESH_TOKEN',
  'DYNAMICS_CLIENT_SECRET',
  'GITHUB_TOKEN',
  // May write the repository's Actions secrets (the rotated Outreach refresh token).
  'MAPSYNC_SECRETS_TOKEN',
  // The PEM whole; src/snowflake/jwt.ts also masks it line by line, and each JWT it signs.
  'SNOWFLAKE_PRIVATE_KEY',
] as const;

const extraSecrets = new Set<string>();

/** Registers a secret obtained at run time (e.g. a refreshed access token). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) extraSecrets.add(value);
}

function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values = new Set(extraSecrets);
  for (const name of SECRET_ENV_VARS) {
    const value = env[name];
    // Very short values would mask ordinary words; real credentials are long.
    if (value && value.length >= 4) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const secret of secretValues(env)) out = out.split(secret).join('***');
  return out;
}
