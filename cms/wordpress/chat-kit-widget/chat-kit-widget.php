<?php
/**
 * Plugin Name:       Chat Kit Widget
 * Description:       OpenAI ChatKit on your site, through your chat-kit-widget token server: a site-wide chat launcher, a Chat block and a [chat_kit_widget] shortcode.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            chat-kit-widget contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       chat-kit-widget
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'CHAT_KIT_WIDGET_VERSION', '0.1.0' );
define( 'CHAT_KIT_WIDGET_FILE', __FILE__ );
define( 'CHAT_KIT_WIDGET_DIR', plugin_dir_path( __FILE__ ) );

require_once CHAT_KIT_WIDGET_DIR . 'includes/class-settings.php';
require_once CHAT_KIT_WIDGET_DIR . 'includes/class-settings-page.php';
require_once CHAT_KIT_WIDGET_DIR . 'includes/class-user-token.php';
require_once CHAT_KIT_WIDGET_DIR . 'includes/class-embed.php';

register_activation_hook( __FILE__, array( \ChatKitWidget\Settings::class, 'activate' ) );

// Translations load just in time from wp-content/languages/plugins/ (WordPress 4.6+): no load_plugin_textdomain().
\ChatKitWidget\Settings_Page::register();
\ChatKitWidget\User_Token::register();
\ChatKitWidget\Embed::register();
