/**
 * A must-use plugin the tests put into the site (never part of the plugin's zip): points the widget at the ChatKit
 * stand-in (OpenAI's CDN cannot be reached here) with threads not kept across reloads, gives pages a CSP nonce
 * through the plugin's own filter, and lets an administrator read the plugin's options (to see uninstall clean up)
 * and the constants the tests start WordPress with.
 */
export const TEST_NONCE = 'ckwWordPressTestNonce';

export function testMuPlugin(standInUrl: string): string {
  return `<?php
add_filter( 'chat_kit_widget_attributes', function ( $attributes ) {
	return $attributes + array( 'script-src' => ${JSON.stringify(standInUrl)}, 'persist' => 'none' );
} );
add_filter( 'chat_kit_widget_csp_nonce', fn () => ${JSON.stringify(TEST_NONCE)} );
add_action( 'rest_api_init', function () {
	register_rest_route( 'ckw-test/v1', '/options', array(
		'methods'             => 'GET',
		'permission_callback' => fn () => current_user_can( 'manage_options' ),
		'callback'            => fn () => array(
			'settings' => get_option( 'chat_kit_widget_settings', null ),
			'site_id'  => get_option( 'chat_kit_widget_site_id', null ),
			'environment' => array(
				'WP_HTTP_BLOCK_EXTERNAL' => defined( 'WP_HTTP_BLOCK_EXTERNAL' ) && WP_HTTP_BLOCK_EXTERNAL,
				'DISABLE_WP_CRON'        => defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON,
			),
		),
	) );
} );
`;
}
