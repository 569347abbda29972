/*
 * The shared formatting module (@partita/format) as the page imports it: `./format/index.js`, a relative path the
 * browser can load without an import map. The master serves that package's compiled files under `/ui/format/`
 * (routes/pages.ts), next to the page's own under `/ui/`; this declaration gives the import the package's own types,
 * so that the page and the CLI print figures with the same functions and a change there is checked here.
 */
export * from '@partita/format';
