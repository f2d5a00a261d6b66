export { Scrubber, MIN_SECRET_LENGTH } from './scrubber';
export { SECRET_PATTERNS, type SecretPattern } from './patterns';
export { encodedForms } from './encodings';
