// Stand-in for OpenAI's ChatKit CDN script (unreachable here): defines <openai-chatkit> and records, in the
// page's `__bench` marks, when the first full options object arrives through setOptions.
if (!customElements.get('openai-chatkit')) {
  customElements.define(
    'openai-chatkit',
    class extends HTMLElement {
      setOptions(options) {
        const marks = (window.__bench ??= {});
        marks.setOptions ??= performance.now();
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
