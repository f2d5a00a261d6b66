/** NemoCognition's version, as `service.version` on the spans it mirrors. */
import { version } from '../../../package.json';

export const NEMOCOG_VERSION: string = version;
