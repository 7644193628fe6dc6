/** NOTIFY channel that wakes delivery workers: a message became due (sent, resumed, retried now). */
export const MESSAGES_CHANNEL = 'hookbridge_messages';
