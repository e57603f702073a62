/**
 * The script-tag file's entry (dist/widget/chat-kit-widget.js): defines `<chat-kit-widget>` like the module entry,
 * then mounts one from the tag's own `data-*` attributes when it has any (one-tag embedding).
 */
import { ChatKitWidget } from './chat-kit-widget.js';
import { autoMount } from './internal/auto-mount.js';
import { loaderScript } from './internal/loader-url.js';

autoMount(loaderScript, ChatKitWidget);
