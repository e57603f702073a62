// Stand-in for OpenAI's ChatKit CDN script (unreachable here): defines <openai-chatkit> and records, in the
// page's `__bench` marks, when the first full options object arrives through setOptions, then calls the bench's
// CDP binding `__benchSetOptions` when there is one (the bench waits on it instead of polling the page).
if (!customElements.get('openai-chatkit')) {
  customElements.define(
    'openai-chatkit',
    class extends HTMLElement {
      setOptions(options) {
        const marks = (window.__bench ??= {});
        if (marks.setOptions === undefined) {
          marks.setOptions = performance.now();
          window.__benchSetOptions?.('');
        }
        this.options = options;
        setTimeout(() => this.dispatchEvent(new CustomEvent('chatkit.ready')), 0);
      }
      focusComposer() {}
      setThreadId() {}
      sendUserMessage() {}
      setComposerValue() {}
      fetchUpdates() {}
      sendCustomAction() {}
      showHistory() {}
      hideHistory() {}
    },
  );
}
