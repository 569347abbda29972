export { createAzureBlobStore } from './azure-blob-store.js';
export type { AzureBlobStoreOptions, AzureRetryOptions, TokenCredential } from './azure-blob-store.js';
export { blobStoreFromSettings } from './from-env.js';
export type { BlobStorageSettings } from './from-env.js';
export type { BlobInfo, BlobStore, PutOptions } from './blob-store.js';
export { BlobNotFoundError, ContainerNotFoundError, InvalidBlobPathError, InvalidContainerNameError } from './errors.js';
export { getJson, putJson } from './json.js';
export { createLocalBlobStore } from './local-blob-store.js';
export { validateBlobPath, validateContainerName } from './names.js';
