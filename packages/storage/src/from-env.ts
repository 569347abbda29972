import { createAzureBlobStore, type AzureBlobStoreOptions } from './azure-blob-store.js';
import type { BlobStore } from './blob-store.js';

/** How the apps' configuration names the storage account. */
export interface BlobStorageSettings {
  AZURE_STORAGE_CONNECTION_STRING?: string | undefined;
  AZURE_STORAGE_ACCOUNT_URL?: string | undefined;
}

/**
 * The blob store of a configuration: a connection string (Azurite, or an account key) when given; otherwise the
 * account URL with DefaultAzureCredential (Workload Identity on AKS, a managed identity, environment credentials or
 * `az login`), loaded only then.
 */
export async function blobStoreFromSettings(
  settings: BlobStorageSettings,
  options: Omit<AzureBlobStoreOptions, 'connectionString' | 'accountUrl' | 'credential'> = {},
): Promise<BlobStore> {
  if (settings.AZURE_STORAGE_CONNECTION_STRING) {
    return createAzureBlobStore({ ...options, connectionString: settings.AZURE_STORAGE_CONNECTION_STRING });
  }
  if (!settings.AZURE_STORAGE_ACCOUNT_URL)
    throw new Error('no Blob Storage configured: set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL');
  const { DefaultAzureCredential } = await import('@azure/identity');
  return createAzureBlobStore({ ...options, accountUrl: settings.AZURE_STORAGE_ACCOUNT_URL, credential: new DefaultAzureCredential() });
}
