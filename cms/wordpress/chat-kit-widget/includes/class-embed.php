<?php
/**
 * What the plugin puts on pages: the widget's script tag from the token server (once, deferred, with the page's
 * CSP nonce when the `chat_kit_widget_csp_nonce` filter gives one), and a `<chat-kit-widget>` element for each
 * Chat block and [chat_kit_widget] shortcode. The site-wide launcher is the script tag alone: its `data-*`
 * attributes make the widget mount itself (one-tag embedding). Every value printed is escaped.
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

namespace ChatKitWidget;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Embed {
	public const SCRIPT_HANDLE     = 'chat-kit-widget';
	public const USER_TOKEN_HANDLE = 'chat-kit-widget-user-token';
	public const SHORTCODE         = 'chat_kit_widget';
	public const MIN_HEIGHT        = 240;
	public const MAX_HEIGHT        = 1200;

	public static function register(): void {
		add_action( 'init', array( self::class, 'register_block_and_shortcode' ) );
		add_action( 'wp_enqueue_scripts', array( self::class, 'enqueue_launcher' ) );
		add_filter( 'script_loader_tag', array( self::class, 'script_tag' ), 10, 2 );
	}

	public static function register_block_and_shortcode(): void {
		register_block_type( CHAT_KIT_WIDGET_DIR . 'blocks/chat' );
		wp_set_script_translations( 'chat-kit-widget-chat-editor-script', 'chat-kit-widget' );
		add_shortcode( self::SHORTCODE, array( self::class, 'render_shortcode' ) );
	}

	public static function enqueue_launcher(): void {
		if ( Settings::get( 'launcher' ) ) {
			self::enqueue();
		}
	}

	/** Enqueues the widget's script (WordPress prints a handle once, however often it is enqueued). */
	private static function enqueue(): bool {
		if ( ! Settings::is_configured() ) {
			return false;
		}
		$deps = array();
		if ( User_Token::enabled() && is_user_logged_in() ) {
			// Runs first, so every widget already has its getAuthToken when the widget script upgrades it.
			wp_enqueue_script( self::USER_TOKEN_HANDLE, plugins_url( 'assets/user-token.js', CHAT_KIT_WIDGET_FILE ), array(), CHAT_KIT_WIDGET_VERSION, false );
			$deps[] = self::USER_TOKEN_HANDLE;
		}
		// No version query: the token server sets the loader's caching itself.
		wp_enqueue_script( self::SCRIPT_HANDLE, Settings::get( 'server_url' ) . '/chat-kit-widget.js', $deps, null, false );
		return true;
	}

	/**
	 * Our two script tags, rebuilt with their attributes (WordPress 6.1 has no `defer` strategy of its own):
	 * `defer`, the CSP nonce, the launcher's `data-*` attributes, the token route for the user-token helper.
	 */
	public static function script_tag( string $tag, string $handle ): string {
		$attributes = array( 'defer' => true );
		$nonce      = self::csp_nonce();
		if ( '' !== $nonce ) {
			$attributes['nonce'] = $nonce;
		}
		if ( self::SCRIPT_HANDLE === $handle ) {
			$attributes['src'] = Settings::get( 'server_url' ) . '/chat-kit-widget.js';
			if ( Settings::get( 'launcher' ) ) {
				$launcher = array(
					'display'  => 'launcher',
					'position' => (string) Settings::get( 'position' ),
				);
				foreach ( self::widget_attributes( $launcher, 'launcher' ) as $name => $value ) {
					$attributes[ 'data-' . $name ] = $value;
				}
			}
		} elseif ( self::USER_TOKEN_HANDLE === $handle ) {
			$attributes['src']           = plugins_url( 'assets/user-token.js', CHAT_KIT_WIDGET_FILE ) . '?ver=' . CHAT_KIT_WIDGET_VERSION;
			$attributes['data-endpoint'] = rest_url( User_Token::REST_NAMESPACE . User_Token::REST_ROUTE );
			$attributes['data-nonce']    = wp_create_nonce( 'wp_rest' );
		} else {
			return $tag;
		}
		$attributes['id'] = $handle . '-js';
		// wp_get_script_tag() escapes every attribute value.
		return wp_get_script_tag( $attributes );
	}

	/** The page's CSP nonce, from a site's own `chat_kit_widget_csp_nonce` filter (none by default). */
	private static function csp_nonce(): string {
		$nonce = apply_filters( 'chat_kit_widget_csp_nonce', '' );
		return is_string( $nonce ) && 1 === preg_match( '/^[A-Za-z0-9+\/=_-]{8,256}$/', $nonce ) ? $nonce : '';
	}

	/**
	 * The element's attributes for the settings, with `$overrides` (display, greeting, …) on top.
	 *
	 * @param array<string, string> $overrides Already-sanitised attribute values.
	 * @param string                $context   `launcher`, `block` or `shortcode`, for the filter.
	 * @return array<string, string>
	 */
	private static function widget_attributes( array $overrides, string $context ): array {
		$settings   = Settings::all();
		$attributes = array( 'server' => (string) $settings['server_url'] );
		if ( 'wordpress-users' === $settings['auth_mode'] && User_Token::enabled() ) {
			$attributes['auth-mode'] = 'custom-fetch';
			if ( '' !== $settings['domain_key'] ) {
				$attributes['domain-key'] = (string) $settings['domain_key'];
			}
		} else {
			$attributes['auth-mode'] = 'direct-token';
		}
		// Visitors' access; in WordPress users mode, the fallback for visitors who are not signed in.
		if ( '' !== $settings['public_key'] ) {
			$attributes['public-key'] = (string) $settings['public_key'];
		}
		if ( 'light' !== $settings['theme'] ) {
			$attributes['theme'] = (string) $settings['theme'];
		}
		if ( '' !== $settings['greeting'] ) {
			$attributes['greeting'] = (string) $settings['greeting'];
		}
		$attributes = array_merge( $attributes, array_filter( $overrides, static fn ( string $value ): bool => '' !== $value ) );
		/**
		 * Filters the `<chat-kit-widget>` attributes (any of the widget's attributes, e.g. `locale`, `accent`,
		 * `title`, `script-src`). Values are escaped when printed.
		 *
		 * @param array<string, string> $attributes Attribute names and values.
		 * @param string                $context    `launcher`, `block` or `shortcode`.
		 */
		$filtered = apply_filters( 'chat_kit_widget_attributes', $attributes, $context );
		$clean    = array();
		foreach ( is_array( $filtered ) ? $filtered : $attributes as $name => $value ) {
			if ( is_string( $name ) && 1 === preg_match( '/^[a-z][a-z-]*$/', $name ) && is_scalar( $value ) ) {
				$clean[ $name ] = (string) $value;
			}
		}
		return $clean;
	}

	/**
	 * The element for an inline chat (or a launcher from a shortcode), with its own height.
	 *
	 * @param array<string, string> $overrides Already-sanitised attribute values.
	 */
	private static function element( array $overrides, int $height, string $context, string $wrapper_attributes ): string {
		if ( ! self::enqueue() ) {
			// Editors see why nothing shows; visitors see nothing.
			return current_user_can( 'manage_options' )
				? '<p>' . esc_html__( 'Chat Kit Widget: set the token server URL and a publishable key (or WordPress users mode) in Settings → Chat Kit Widget.', 'chat-kit-widget' ) . '</p>'
				: '';
		}
		$html  = '<div ' . $wrapper_attributes . '><chat-kit-widget';
		$nonce = self::csp_nonce();
		$attrs = self::widget_attributes( $overrides, $context );
		if ( '' !== $nonce ) {
			$attrs['nonce'] = $nonce;
		}
		foreach ( $attrs as $name => $value ) {
			$html .= ' ' . $name . '="' . esc_attr( $value ) . '"';
		}
		if ( $height > 0 ) {
			$html .= ' style="' . esc_attr( '--ckw-inline-height:' . $height . 'px' ) . '"';
		}
		return $html . '></chat-kit-widget></div>';
	}

	private static function height( mixed $value ): int {
		$height = absint( $value );
		return 0 === $height ? 0 : max( self::MIN_HEIGHT, min( self::MAX_HEIGHT, $height ) );
	}

	/**
	 * The Chat block (blocks/chat/render.php): an inline chat with its own greeting and height.
	 *
	 * @param array<string, mixed> $attributes The block's attributes.
	 */
	public static function render_block( array $attributes ): string {
		$greeting = Settings::text( (string) ( $attributes['greeting'] ?? '' ), Settings::MAX_GREETING );
		return self::element( array( 'greeting' => $greeting ), self::height( $attributes['height'] ?? 0 ), 'block', get_block_wrapper_attributes() );
	}

	/**
	 * [chat_kit_widget greeting="…" height="560" display="inline|launcher" theme="light|dark|auto"]
	 *
	 * @param array<string, string>|string $atts The shortcode's attributes.
	 */
	public static function render_shortcode( array|string $atts ): string {
		$atts      = shortcode_atts(
			array(
				'greeting' => '',
				'height'   => '',
				'display'  => (string) Settings::get( 'display' ),
				'theme'    => '',
			),
			is_array( $atts ) ? $atts : array(),
			self::SHORTCODE
		);
		$overrides = array(
			'display'  => Settings::one_of( $atts['display'], Settings::DISPLAYS, 'inline' ),
			'theme'    => Settings::one_of( $atts['theme'], Settings::THEMES, '' ),
			'greeting' => Settings::text( (string) $atts['greeting'], Settings::MAX_GREETING ),
		);
		if ( 'launcher' === $overrides['display'] ) {
			$overrides['position'] = (string) Settings::get( 'position' );
		}
		return self::element( $overrides, self::height( $atts['height'] ), 'shortcode', 'class="chat-kit-widget-shortcode"' );
	}
}
