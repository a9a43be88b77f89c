// The OAuth token endpoint of the fake Salesforce org (PLATFORM-FACTS "Salesforce OAuth for
// unattended runs"): POST /services/oauth2/token, form-encoded. The JWT bearer grant is checked
// the way Salesforce checks it — the RS256 signature against the connected app's certificate
// (its public key), `iss` the consumer key, `sub` a pre-authorized user, `aud` the login server,
// `exp` in the future and at most 3 minutes ahead — and the client-credentials grant against the
// consumer key and secret. Failures are 400 {"error", "error_description"} with Salesforce's own
// wording; successes hand out a session the org's data API accepts.
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface FakeOAuthOptions {
  /** The connected app's consumer key. */
  clientId: string;
  /** The public key of the certificate uploaded to the connected app (JWT bearer). */
  publicKey?: KeyObject | string;
  /** Users the app is pre-authorized for ("Admin approved users are pre-authorized"). */
  preAuthorized?: string[];
  /** The `aud` this login server accepts (default https://login.salesforce.com). */
  audience?: string;
  /** The consumer secret, when the app enables the client-credentials flow. */
  clientSecret?: string;
}

export interface TokenGrant {
  grant: string;
  ok: boolean;
  /** The assertion's claims, for JWT grants that could be decoded. */
  claims?: Record<string, unknown>;
  assertion?: string;
  error?: string;
}

/** Salesforce's limit on how far ahead `exp` may be. */
const MAX_EXP_AHEAD_SECONDS = 180;

const refuse = (error: string, description: string): [number, unknown] => [400, { error, error_description: description }];

export class FakeSalesforceOAuth {
  readonly grants: TokenGrant[] = [];
  /** Sessions handed out by the token endpoint. */
  readonly issued: string[] = [];
  publicKey: KeyObject | undefined;
  /** Change to simulate a rotated consumer secret. */
  clientSecret: string | undefined;

  constructor(
    readonly options: FakeOAuthOptions,
    /** Adds a session the data API accepts. */
    private readonly accept: (token: string) => void,
    private readonly instanceUrl: () => string,
  ) {
    this.publicKey = options.publicKey === undefined ? undefined : typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
    this.clientSecret = options.clientSecret;
  }

  /** JWT bearer grants received (each one a new assertion). */
  get assertions(): TokenGrant[] {
    return this.grants.filter((g) => g.grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  }

  handle(contentType: string, text: string): [number, unknown] {
    if (!contentType.includes('application/x-www-form-urlencoded')) return refuse('invalid_request', 'unsupported content type');
    const form = new URLSearchParams(text);
    const grant = form.get('grant_type') ?? '';
    const record: TokenGrant = { grant, ok: false };
    this.grants.push(record);
    let answer: [number, unknown];
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') answer = this.jwtBearer(form.get('assertion') ?? '', record);
    else if (grant === 'client_credentials') answer = this.clientCredentials(form);
    else answer = refuse('unsupported_grant_type', 'grant type not supported');
    record.ok = answer[0] === 200;
    if (!record.ok) record.error = (answer[1] as { error_description?: string }).error_description;
    return answer;
  }

  private session(): [number, unknown] {
    const token = `00DFAKE!oauth.${randomBytes(24).toString('hex')}`;
    this.issued.push(token);
    this.accept(token);
    return [200, {
      access_token: token,
      scope: 'api',
      instance_url: this.instanceUrl(),
      id: `${this.instanceUrl()}/id/00D000000000001AAA/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: randomBytes(32).toString('base64'),
    }];
  }

  private jwtBearer(assertion: string, record: TokenGrant): [number, unknown] {
    record.assertion = assertion;
    const parts = assertion.split('.');
    if (parts.length !== 3) return refuse('invalid_grant', 'invalid assertion');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return refuse('invalid_grant', 'invalid assertion');
    }
    record.claims = claims;
    if (header.alg !== 'RS256') return refuse('invalid_grant', 'invalid assertion');
    if (claims.iss !== this.options.clientId) return refuse('invalid_client_id', 'client identifier invalid');
    if (!this.publicKey) return refuse('invalid_grant', 'invalid assertion');
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!signed) return refuse('invalid_grant', 'invalid assertion');
    if (claims.aud !== (this.options.audience ?? 'https://login.salesforce.com')) return refuse('invalid_grant', 'audience is invalid');
    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return refuse('invalid_grant', 'expired authorization code');
    if (claims.exp > now + MAX_EXP_AHEAD_SECONDS + 1) return refuse('invalid_grant', 'expired authorization code');
    if (typeof claims.sub !== 'string' || !(this.options.preAuthorized ?? []).includes(claims.sub)) return refuse('invalid_grant', "user hasn't approved this consumer");
    return this.session();
  }

  private clientCredentials(form: URLSearchParams): [number, unknown] {
    if (form.get('client_id') !== this.options.clientId) return refuse('invalid_client_id', 'client identifier invalid');
    if (!this.clientSecret || form.get('client_secret') !== this.clientSecret) return refuse('invalid_client', 'invalid client credentials');
    return this.session();
  }
}
