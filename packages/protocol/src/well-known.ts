/** Identifiers that are the same in every tenant, as in Microsoft Entra. */

/** appId of the "Microsoft Cloud App Security" resource (Defender for Cloud Apps). */
export const CLOUD_APP_SECURITY_APP_ID = '05a65629-4c1b-48c1-a78b-804c4abdd4af';
/** appId of Microsoft Graph, which guards the management API. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/**
 * appId of "Windows Azure Service Management API": the audience of Azure Resource Manager tokens
 * (`az login` asks for it). Every Entra tenant has its service principal; it has no app roles.
 */
export const AZURE_SERVICE_MANAGEMENT_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
/** The Azure Service Management identifier URIs clients name it by (with or without the trailing slash). */
export const AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS = ['https://management.core.windows.net/', 'https://management.azure.com/'] as const;
/** Tenant that owns the built-in (first-party) applications, as Microsoft's own tenant does. */
export const FIRST_PARTY_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** Identifier URIs accepted for the Cloud App Security resource (v1 `resource`, v2 scope prefix). */
export const CLOUD_APP_SECURITY_IDENTIFIER_URIS = ['https://api.cloudappsecurity.com', 'https://portal.cloudappsecurity.com'] as const;

export const MICROSOFT_GRAPH_IDENTIFIER_URIS = ['https://graph.microsoft.com'] as const;

export type SignInAudience = 'AzureADMyOrg' | 'AzureADMultipleOrgs' | 'AzureADandPersonalMicrosoftAccount' | 'PersonalMicrosoftAccount';

export const SIGN_IN_AUDIENCES: readonly SignInAudience[] = [
  'AzureADMyOrg',
  'AzureADMultipleOrgs',
  'AzureADandPersonalMicrosoftAccount',
  'PersonalMicrosoftAccount',
];
