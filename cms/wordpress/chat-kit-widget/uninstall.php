<?php
/**
 * Deleting the plugin removes everything it stored: its settings (the shared secret among them) and the site id.
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

$chat_kit_widget_delete = static function (): void {
	delete_option( 'chat_kit_widget_settings' );
	delete_option( 'chat_kit_widget_site_id' );
};

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids' ) ) as $chat_kit_widget_site ) {
		switch_to_blog( (int) $chat_kit_widget_site );
		$chat_kit_widget_delete();
		restore_current_blog();
	}
} else {
	$chat_kit_widget_delete();
}
