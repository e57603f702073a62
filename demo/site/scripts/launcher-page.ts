/** The launcher page: buttons that drive the floating widget through its methods, and its state said aloud. */
import { required } from './dom.js';
import { showStatusNotices } from './server-status.js';

const widget = required<HTMLElementTagNameMap['chat-kit-widget']>('chat-kit-widget[display="launcher"]');
const state = required<HTMLElement>('[data-launcher-state]');

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-launcher-action]')) {
  button.addEventListener('click', () => (button.dataset.launcherAction === 'open' ? widget.open() : widget.close()));
}
widget.addEventListener('ckw-open', () => (state.textContent = 'The panel is open. Press Escape to close it.'));
widget.addEventListener('ckw-close', () => (state.textContent = 'The panel is closed.'));

void showStatusNotices();
