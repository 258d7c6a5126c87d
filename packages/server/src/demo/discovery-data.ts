import { BUILT_IN_IP_TAGS } from '@appwarden/protocol';
import { newObjectId } from '../cloudapps/subnets/model.js';
import { normaliseSubnet } from '../discovery/subnets.js';
import type { Stores } from '../store/interfaces.js';

/** The demo tenants' IP ranges, matching the places the demo activities come from. */
const DEMO_RANGES = [
  {
    name: 'Corporate network',
    category: 1,
    subnets: ['40.112.0.0/22'],
    tags: [BUILT_IN_IP_TAGS.Internal_Network_IP],
    organization: 'Contoso Corporate',
  },
  { name: 'Tor exit nodes', category: 3, subnets: ['185.220.0.0/16'], tags: [BUILT_IN_IP_TAGS.Tor], organization: null },
  { name: 'Anonymous proxies', category: 3, subnets: ['102.89.0.0/16'], tags: [BUILT_IN_IP_TAGS.Anonymous_proxy], organization: null },
] as const;

/** `--demo`: IP ranges for a tenant that has none yet (before its activities load, so they are enriched). */
export async function seedDemoIpRanges(stores: Stores, tenantId: string, now: number): Promise<number> {
  if ((await stores.discovery.ipRanges.list(tenantId)).length > 0) return 0;
  for (const r of DEMO_RANGES) {
    await stores.discovery.ipRanges.insert({
      tenant_id: tenantId,
      id: newObjectId(now),
      name: r.name,
      category: r.category,
      subnets: JSON.stringify(r.subnets.map((s) => normaliseSubnet(s)!)),
      organization: r.organization,
      override_organization: r.organization ? 1 : 0,
      tags: JSON.stringify(r.tags),
      location: null,
      created_at: now,
      last_modified: now,
    });
  }
  return DEMO_RANGES.length;
}
