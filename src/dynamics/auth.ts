// Access tokens from Microsoft Entra ID by the OAuth 2.0 client-credentials grant. One token
// request per run; a token the org rejected (401) is replaced once, and requests that were
// rejected with the same token share that one renewal.
//
// The request is one form POST, written by hand: @azure/msal-node insists on an https authority
// it can discover, which a test server on 127.0.0.1 cannot be, and it would add a large
// dependency for a single request.
import { MapsyncError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import type { DynamicsSettings } from './settings.js';

interface TokenAnswer {
  access_token?: string;
  error?: string;
  error_description?: string;
}

export class EntraToken {
  private current: Promise<string> | undefined;
  /** Token requests made, successful or not. */
  requests = 0;

  constructor(private readonly settings: DynamicsSettings) {}

  /** The token for the next request, fetched on first use. */
  get(): Promise<string> {
    this.current ??= this.request();
    return this.current;
  }

  /** Replaces `rejected` with a new token, unless another request already has. */
  async renew(rejected: string): Promise<string> {
    const now = await this.get().catch(() => undefined);
    if (now === rejected || now === undefined) this.current = this.request();
    return this.current!;
  }

  private async request(): Promise<string> {
    this.requests += 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt();
      } catch (err) {
        // A dropped connection or a busy Entra ID is tried again; a refusal is final.
        if (!(err instanceof TransientTokenFailure) || attempt > this.settings.retries) {
          this.current = undefined;
          throw err instanceof TransientTokenFailure ? err.final : err;
        }
        const ceiling = Math.min(30_000, this.settings.retryBaseMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)));
      }
    }
  }

  private async attempt(): Promise<string> {
    const { authorityHost, tenantId, clientId, clientSecret, url, timeoutMs } = this.settings;
    const endpoint = `${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: `${url}/.default` });
    let response: Response;
    try {
      // At least 10 s: a short data-request timeout (tests) should not starve the one token request.
      response = await fetch(endpoint, { method: 'POST', body, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(Math.max(timeoutMs, 10_000)) });
    } catch (err) {
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      throw new TransientTokenFailure(new MapsyncError(`cannot reach Microsoft Entra ID at ${authorityHost}: ${cause}`, {
        hint: 'check the network, and DYNAMICS_AUTHORITY_HOST if it is set',
      }));
    }
    const text = await response.text();
    let answer: TokenAnswer = {};
    try {
      answer = JSON.parse(text) as TokenAnswer;
    } catch {
      // not JSON: reported below with the status
    }
    if (!response.ok || !answer.access_token) {
      // AADSTS descriptions carry trace and correlation IDs after the first sentence: keep the reason.
      const reason = (answer.error_description ?? text.slice(0, 200)).split(/\r?\n| Trace ID:/)[0]!.trim();
      const failure = new MapsyncError(`Microsoft Entra ID refused the token request (HTTP ${response.status}${answer.error ? `, ${answer.error}` : ''}): ${reason}`, {
        hint: hintFor(answer.error),
      });
      throw response.status >= 500 || response.status === 429 ? new TransientTokenFailure(failure) : failure;
    }
    registerSecret(answer.access_token);
    return answer.access_token;
  }
}

/** A token request that may succeed when tried again; `final` is what the user sees if it does not. */
class TransientTokenFailure extends Error {
  constructor(readonly final: MapsyncError) {
    super(final.message);
  }
}

function hintFor(error: string | undefined): string {
  switch (error) {
    case 'invalid_client':
      return 'check DYNAMICS_CLIENT_SECRET: it must be the secret\'s value (not its ID) and not expired';
    case 'unauthorized_client':
      return 'check DYNAMICS_CLIENT_ID and DYNAMICS_TENANT_ID: the app registration must be in that tenant';
    case 'invalid_scope':
      return 'check DYNAMICS_URL: it must be the environment URL, e.g. https://acme.crm.dynamics.com';
    case 'invalid_request':
      return 'check DYNAMICS_TENANT_ID (the directory (tenant) ID of the app registration)';
    default:
      return 'check DYNAMICS_TENANT_ID, DYNAMICS_CLIENT_ID and DYNAMICS_CLIENT_SECRET';
  }
}
