/**
 * The element itself: what it draws, its accessibility contract, the launcher's keyboard use, and bad
 * attributes. ChatKit is the fake; a pre-minted client secret means no server is needed here.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, errorShown, eventually, nextError, part, recordEvents } from '../test-support/widget-helpers.js';

defineFakeChatKit();

const premint = 'cs_test_preminted';

describe('<chat-kit-widget> element', () => {
  afterEach(async () => {
    await setViewport({ width: 1024, height: 768 });
  });

  it('when inline, fills a panel part with ChatKit and no launcher', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget client-secret=${premint}></chat-kit-widget>`);
    const chatkit = await chatkitOf(widget);
    expect(part(widget, 'launcher')).to.equal(null);
    expect(part(widget, 'panel')!.contains(chatkit)).to.equal(true);
    expect(chatkit.getBoundingClientRect().height).to.be.greaterThan(100);
  });

  it('when display="launcher", draws a labelled button that opens a labelled dialog', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" title="Support" client-secret=${premint}></chat-kit-widget>`);
    const button = part(widget, 'launcher') as HTMLButtonElement;
    const panel = part(widget, 'panel')!;
    expect(button.tagName).to.equal('BUTTON');
    expect(button.getAttribute('aria-label')).to.equal('Open chat');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(panel.hidden).to.equal(true);

    const opened = oneEvent(widget, 'ckw-open');
    button.click();
    await opened;
    expect(widget.hasAttribute('open')).to.equal(true);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(button.getAttribute('aria-label')).to.equal('Close chat');
    expect(panel.hidden).to.equal(false);
    expect(panel.getAttribute('role')).to.equal('dialog');
    const label = widget.shadowRoot!.getElementById(panel.getAttribute('aria-labelledby')!)!;
    expect(label.textContent).to.equal('Support');
    await chatkitOf(widget);
  });

  it('opens with Enter and with Space, closes with Escape and gives focus back to the launcher', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" client-secret=${premint}></chat-kit-widget>`);
    const button = part(widget, 'launcher') as HTMLButtonElement;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await eventually(() => widget.hasAttribute('open'), 'Enter did not open the panel');
    expect(widget.shadowRoot!.activeElement).to.equal(part(widget, 'panel'));

    const closed = oneEvent(widget, 'ckw-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    expect(widget.hasAttribute('open')).to.equal(false);
    expect(widget.shadowRoot!.activeElement).to.equal(button);

    await sendKeys({ press: ' ' }); // the space bar ('Space' is a name only Chromium's keyboard knows)
    await eventually(() => widget.hasAttribute('open'), 'Space did not open the panel');
    (widget.shadowRoot!.querySelector('.close') as HTMLButtonElement).click();
    await eventually(() => !widget.hasAttribute('open'));
    expect(widget.shadowRoot!.activeElement).to.equal(button);
  });

  it('open(), close() and toggle() drive the reflected open attribute and emit bubbling, composed events', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" client-secret=${premint}></chat-kit-widget>`);
    const events = recordEvents(document, ['ckw-open', 'ckw-close']);
    widget.open();
    await widget.updateComplete;
    widget.toggle();
    await widget.updateComplete;
    widget.setAttribute('open', '');
    await widget.updateComplete;
    widget.close();
    await widget.updateComplete;
    expect(events.map((e) => e.name)).to.deep.equal(['ckw-open', 'ckw-close', 'ckw-open', 'ckw-close']);
    expect(events.every((e) => e.bubbles && e.composed)).to.equal(true);
  });

  it('places the launcher at the bottom left when position="bottom-left"', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" position="bottom-left" client-secret=${premint}></chat-kit-widget>`);
    const box = part(widget, 'launcher')!.getBoundingClientRect();
    expect(box.left).to.be.lessThan(innerWidth / 2);
    widget.setAttribute('position', 'bottom-right');
    await widget.updateComplete;
    expect(part(widget, 'launcher')!.getBoundingClientRect().left).to.be.greaterThan(innerWidth / 2);
  });

  it('shows the open panel full screen below 640 px wide, and as a floating panel above', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" open client-secret=${premint}></chat-kit-widget>`);
    const panel = part(widget, 'panel')!;
    expect(panel.getBoundingClientRect().width).to.be.lessThan(innerWidth);
    await setViewport({ width: 400, height: 700 });
    await eventually(() => panel.getBoundingClientRect().width === innerWidth, 'the panel is not full width on a small screen');
    expect(panel.getBoundingClientRect().height).to.equal(innerHeight);
  });

  it('speaks the page locale in its own strings, falling back from a region to its language and to English', async () => {
    const french = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" locale="fr-CA" client-secret=${premint}></chat-kit-widget>`);
    expect(part(french, 'launcher')!.getAttribute('aria-label')).to.equal('Ouvrir le chat');
    const unknown = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" locale="xx" client-secret=${premint}></chat-kit-widget>`);
    expect(part(unknown, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat');
  });

  it('gives its own surfaces the dark scheme with theme="dark", and lets --ckw-* properties override them', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget theme="dark" client-secret=${premint}></chat-kit-widget>`);
    expect(getComputedStyle(part(widget, 'panel')!).backgroundColor).to.equal('rgb(31, 31, 31)');
    widget.setAttribute('theme', 'light');
    await widget.updateComplete;
    expect(getComputedStyle(part(widget, 'panel')!).backgroundColor).to.equal('rgb(255, 255, 255)');
    const styled = await fixture<HTMLElement>(html`<div>
      <style>
        .branded {
          --ckw-surface-color: rgb(1, 2, 3);
        }
      </style>
      <chat-kit-widget class="branded" theme="dark" client-secret=${premint}></chat-kit-widget>
    </div>`);
    expect(getComputedStyle(part(styled.querySelector('chat-kit-widget')!, 'panel')!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('draws everything without a single style attribute (strict CSP)', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" open client-secret=${premint}></chat-kit-widget>`);
    await chatkitOf(widget);
    expect(widget.shadowRoot!.querySelectorAll('[style]').length).to.equal(0);
    expect(widget.hasAttribute('style')).to.equal(false);
  });

  for (const [attribute, value] of [
    ['auth-mode', 'magic'],
    ['display', 'sidebar'],
    ['theme', 'neon'],
    ['persist', 'forever'],
    ['position', 'top-left'],
    ['credentials', 'sometimes'],
    ['accent', 'not-a-colour'],
    ['server', 'ftp://example.com'],
  ] as const) {
    it(`when ${attribute}="${value}", shows what is wrong and emits ckw-error invalid_attribute`, async () => {
      const holder = document.createElement('div');
      document.body.append(holder);
      const widget = document.createElement('chat-kit-widget');
      widget.setAttribute('client-secret', premint);
      widget.setAttribute(attribute, value);
      const error = nextError(widget);
      holder.append(widget);
      expect(await error).to.include({ code: 'invalid_attribute' });
      await widget.updateComplete;
      expect(errorShown(widget)).to.include(attribute);
      expect(widget.chatkit).to.equal(null);
      holder.remove();
    });
  }

  it('when direct-token has neither public-key nor client-secret, says which attribute is missing', async () => {
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('auth-mode', 'direct-token');
    const error = nextError(widget);
    document.body.append(widget);
    expect((await error).message).to.include('public-key');
    widget.remove();
  });

  it('keeps showing a bad attribute when the element is taken out of the page and put back', async () => {
    const holder = await fixture<HTMLElement>(html`<div><chat-kit-widget theme="neon" client-secret=${premint}></chat-kit-widget></div>`);
    const widget = holder.querySelector('chat-kit-widget')!;
    await widget.updateComplete;
    widget.remove();
    holder.append(widget);
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('theme');
    expect(widget.chatkit).to.equal(null);
  });

  it('when a bad attribute is fixed at run time, the error goes and ChatKit starts', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget theme="neon" client-secret=${premint}></chat-kit-widget>`);
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('theme');
    widget.setAttribute('theme', 'dark');
    const chatkit = await chatkitOf(widget);
    expect(errorShown(widget)).to.equal(null);
    expect(chatkit.options!.theme).to.deep.equal({ colorScheme: 'dark' });
  });
});
