/** The account name every Azurite instance serves. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';

/** The well-known, public development key of the Azurite account (not a secret). */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * A connection string for the Azurite account whose blob service is at `blobEndpoint`
 * (e.g. `http://127.0.0.1:10000/devstoreaccount1`).
 */
export function azuriteConnectionString(blobEndpoint: string): string {
  return (
    ['DefaultEndpointsProtocol=http', `AccountName=${AZURITE_ACCOUNT}`, `AccountKey=${AZURITE_KEY}`, `BlobEndpoint=${blobEndpoint}`].join(
      ';',
    ) + ';'
  );
}
