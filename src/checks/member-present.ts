export { memberPresent } from './member-presence.js';
