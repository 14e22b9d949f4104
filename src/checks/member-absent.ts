import { memberPresence } from './member-presence.js';

/** The member is not in the member list (after remove-member or leave). */
export const memberAbsent = memberPresence('member-absent', false);
