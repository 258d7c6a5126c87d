import { ActivitiesOperations } from './cloudapps/activities.js';
import { AlertsOperations } from './cloudapps/alerts.js';
import { DiscoveryOperations } from './cloudapps/discovery.js';
import { EntitiesOperations } from './cloudapps/entities.js';
import { FilesOperations } from './cloudapps/files.js';
import { PoliciesOperations } from './cloudapps/policies.js';
import { RequestPipeline, type CloudAppsAuth, type PipelineOptions } from './cloudapps/request-pipeline.js';
import { SubnetsOperations } from './cloudapps/subnets.js';

export type CloudAppsClientOptions = PipelineOptions;

/**
 * The Defender for Cloud Apps API, for the real service (`https://<tenant>.<region>.portal.cloudappsecurity.com`)
 * and Appwarden alike:
 *
 * ```ts
 * const client = new CloudAppsClient(endpoint, new ClientSecretCredential(tenantId, clientId, secret));
 * for await (const alert of client.alerts.list({ filters: { severity: { eq: 2 } } })) console.log(alert.title);
 * ```
 *
 * `credential` is any TokenCredential (this package's or @azure/identity's), asked for
 * `05a65629-4c1b-48c1-a78b-804c4abdd4af/.default`; or `{ apiToken }` for a legacy API token.
 */
export class CloudAppsClient {
  readonly alerts: AlertsOperations;
  readonly activities: ActivitiesOperations;
  readonly entities: EntitiesOperations;
  readonly files: FilesOperations;
  readonly subnets: SubnetsOperations;
  readonly discovery: DiscoveryOperations;
  /** The undocumented policies API (activity policies and built-in anomaly detections). */
  readonly policies: PoliciesOperations;
  /** The request pipeline (auth, retries, timeouts), for calls this client does not wrap. */
  readonly pipeline: RequestPipeline;

  constructor(endpoint: string, credential: CloudAppsAuth, options: CloudAppsClientOptions = {}) {
    if (!/^https?:\/\//i.test(endpoint)) throw new TypeError(`endpoint must be an http(s) URL, got '${endpoint}'`);
    this.pipeline = new RequestPipeline(endpoint, credential, options);
    this.alerts = new AlertsOperations(this.pipeline);
    this.activities = new ActivitiesOperations(this.pipeline);
    this.entities = new EntitiesOperations(this.pipeline);
    this.files = new FilesOperations(this.pipeline);
    this.subnets = new SubnetsOperations(this.pipeline);
    this.discovery = new DiscoveryOperations(this.pipeline);
    this.policies = new PoliciesOperations(this.pipeline);
  }

  get endpoint(): string {
    return this.pipeline.endpoint;
  }
}
