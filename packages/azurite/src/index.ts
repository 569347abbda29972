export { AZURITE_ACCOUNT, AZURITE_KEY, azuriteConnectionString } from './constants.js';
export { startAzurite } from './start.js';
export type { AzuriteHandle, AzuriteOptions } from './start.js';
