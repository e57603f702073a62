/**
 * When ChatKit's CDN script cannot be had: unreachable (404), or loaded but never defining
 * `<openai-chatkit>` in time. Its own page, where `<openai-chatkit>` starts undefined.
 */
import { expect } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, errorShown, eventually, nextError, part } from '../test-support/widget-helpers.js';

const scriptsFor = (path: string) => Array.from(document.scripts).filter((script) => script.src.endsWith(path));

describe('<chat-kit-widget> when ChatKit\'s script fails', () => {
  it('when the script cannot be loaded, shows the error with a retry and emits chatkit_unavailable; retry tries again', async () => {
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('client-secret', 'cs_test_premint');
    widget.setAttribute('script-src', '/__ckw/missing.js');
    const failed = nextError(widget);
    document.body.append(widget);
    expect(await failed).to.include({ code: 'chatkit_unavailable' });
    expect(errorShown(widget)).to.include('could not load');
    expect(scriptsFor('/__ckw/missing.js')).to.have.length(0);

    const failedAgain = nextError(widget);
    part(widget, 'error')!.querySelector('button')!.click();
    expect(await failedAgain).to.include({ code: 'chatkit_unavailable' });
    widget.remove();
  });

  it('when the script loads but never defines <openai-chatkit>, reuses the page\'s tag, gives up after the timeout, and recovers with Try again once ChatKit arrives', async () => {
    // The site already included the script itself.
    document.head.append(Object.assign(document.createElement('script'), { src: '/__ckw/never-defines.js' }));
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('client-secret', 'cs_test_premint');
    widget.setAttribute('script-src', '/__ckw/never-defines.js');
    widget.scriptTimeout = 200;
    const failed = nextError(widget);
    document.body.append(widget);
    const detail = await failed;
    expect(detail.code).to.equal('chatkit_unavailable');
    expect(detail.message).to.include('did not define <openai-chatkit>');
    expect(widget.chatkit).to.equal(null);
    expect(scriptsFor('/__ckw/never-defines.js')).to.have.length(1);

    // ChatKit shows up late (a slow CDN): the visitor presses Try again.
    defineFakeChatKit();
    part(widget, 'error')!.querySelector('button')!.click();
    await chatkitOf(widget);
    await widget.ready;
    await eventually(() => errorShown(widget) === null);
    widget.remove();
  });
});
