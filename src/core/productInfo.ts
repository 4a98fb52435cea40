// Named imports from package.json: the bundler inlines these two fields, not the whole manifest.
import { name, version } from '../../package.json';

/**
 * How the extension names itself to the APIs it calls, `practice-data-explorer/0.1.0`, read from package.json when
 * the bundle is built (Halaxy's gateway refuses requests that carry no User-Agent).
 */
export const PRODUCT_USER_AGENT = `${name}/${version}`;
