/** Entry of the lazily loaded code: everything the element needs once it is about to be seen. */
export { failureText } from '../i18n/failure-strings.js';
export { createSession, forgetStoredState } from './widget-session.js';
export type { ViewState, WidgetSession, WidgetView } from './widget-session.js';
