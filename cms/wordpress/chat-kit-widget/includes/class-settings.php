<?php
/**
 * The plugin's settings: one option (an array), its defaults, and the sanitising that guards it. Every value is
 * checked on the way in; a bad one is refused with a notice naming the field, and the saved value stays.
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

namespace ChatKitWidget;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Settings {
	public const OPTION = 'chat_kit_widget_settings';
	/** A random id made once per site: the stable part of every WordPress user's chat identity (`sub`). */
	public const SITE_ID_OPTION = 'chat_kit_widget_site_id';
	/** Set in wp-config.php, this takes precedence over the secret saved in the settings (and keeps it out of the database). */
	public const SECRET_CONSTANT = 'CHAT_KIT_WIDGET_JWT_SECRET';

	public const AUTH_MODES = array( 'visitors', 'wordpress-users' );
	public const DISPLAYS   = array( 'inline', 'launcher' );
	public const THEMES     = array( 'light', 'dark', 'auto' );
	public const POSITIONS  = array( 'bottom-right', 'bottom-left' );
	/** The token server refuses HS256 secrets shorter than this (AUTH_JWT_SECRET). */
	public const MIN_SECRET_BYTES = 32;
	public const MAX_GREETING     = 200;

	/** @return array<string, string|bool> */
	public static function defaults(): array {
		return array(
			'server_url' => '',
			'public_key' => '',
			'auth_mode'  => 'visitors',
			'domain_key' => '',
			'jwt_secret' => '',
			'display'    => 'inline',
			'theme'      => 'light',
			'greeting'   => '',
			'launcher'   => false,
			'position'   => 'bottom-right',
		);
	}

	/** @return array<string, string|bool> */
	public static function all(): array {
		$saved = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $saved ) ? $saved : array() );
	}

	public static function get( string $name ): string|bool {
		return self::all()[ $name ] ?? '';
	}

	/** The HS256 secret shared with the token server's AUTH_JWT_SECRET: the wp-config.php constant, else the saved one. */
	public static function jwt_secret(): string {
		if ( defined( self::SECRET_CONSTANT ) && is_string( constant( self::SECRET_CONSTANT ) ) ) {
			return (string) constant( self::SECRET_CONSTANT );
		}
		return (string) self::get( 'jwt_secret' );
	}

	/** Whether there is enough configured for a chat to work: a server, and a way in (a key, or signed-in users). */
	public static function is_configured(): bool {
		$settings = self::all();
		if ( '' === $settings['server_url'] ) {
			return false;
		}
		if ( 'wordpress-users' === $settings['auth_mode'] ) {
			return '' !== self::jwt_secret() || '' !== $settings['public_key'];
		}
		return '' !== $settings['public_key'];
	}

	public static function activate(): void {
		if ( ! get_option( self::SITE_ID_OPTION ) ) {
			add_option( self::SITE_ID_OPTION, wp_generate_password( 16, false, false ), '', false );
		}
	}

	public static function site_id(): string {
		self::activate();
		return (string) get_option( self::SITE_ID_OPTION );
	}

	/** This site's origin (`https://www.example.com`), as the token server's PUBLIC_KEYS and ALLOWED_ORIGINS name it. */
	public static function site_origin(): string {
		$parts = wp_parse_url( home_url() );
		return $parts['scheme'] . '://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
	}

	/**
	 * The settings API's sanitize callback: takes the submitted form, returns what to store.
	 *
	 * @param mixed $input The submitted values.
	 * @return array<string, string|bool>
	 */
	public static function sanitize( mixed $input ): array {
		$old   = self::all();
		// options.php has already unslashed the submitted values.
		$input = is_array( $input ) ? $input : array();
		$clean = $old;

		$server = trim( (string) ( $input['server_url'] ?? '' ) );
		if ( '' === $server ) {
			$clean['server_url'] = '';
		} elseif ( self::is_http_url( $server ) ) {
			$clean['server_url'] = untrailingslashit( esc_url_raw( $server, array( 'http', 'https' ) ) );
		} else {
			self::refuse( 'server_url', __( 'Token server URL must be a full http:// or https:// address, such as https://chat.example.com. The previous value was kept.', 'chat-kit-widget' ) );
		}

		$key = trim( (string) ( $input['public_key'] ?? '' ) );
		if ( '' === $key || 1 === preg_match( '/^[A-Za-z0-9_-]{1,200}$/', $key ) ) {
			$clean['public_key'] = $key;
		} else {
			self::refuse( 'public_key', __( 'Publishable key may hold only letters, digits, "_" and "-" (no spaces), as in pk_live_abc. The previous value was kept.', 'chat-kit-widget' ) );
		}

		$domain_key = trim( (string) ( $input['domain_key'] ?? '' ) );
		if ( '' === $domain_key || 1 === preg_match( '/^[A-Za-z0-9_-]{1,200}$/', $domain_key ) ) {
			$clean['domain_key'] = $domain_key;
		} else {
			self::refuse( 'domain_key', __( 'Domain key may hold only letters, digits, "_" and "-". The previous value was kept.', 'chat-kit-widget' ) );
		}

		$clean['auth_mode'] = self::one_of( $input['auth_mode'] ?? '', self::AUTH_MODES, (string) $old['auth_mode'] );
		$clean['display']   = self::one_of( $input['display'] ?? '', self::DISPLAYS, (string) $old['display'] );
		$clean['theme']     = self::one_of( $input['theme'] ?? '', self::THEMES, (string) $old['theme'] );
		$clean['position']  = self::one_of( $input['position'] ?? '', self::POSITIONS, (string) $old['position'] );
		$clean['launcher']  = ! empty( $input['launcher'] );
		$clean['greeting']  = self::text( (string) ( $input['greeting'] ?? '' ), self::MAX_GREETING );

		// The secret is never printed back: an empty field keeps the saved one.
		$secret = (string) ( $input['jwt_secret'] ?? '' );
		if ( '' !== $secret ) {
			if ( strlen( $secret ) >= self::MIN_SECRET_BYTES ) {
				$clean['jwt_secret'] = $secret;
			} else {
				/* translators: %d: the minimum length in bytes. */
				self::refuse( 'jwt_secret', sprintf( __( 'Shared secret must be at least %d bytes long, like the token server\'s AUTH_JWT_SECRET. The previous value was kept.', 'chat-kit-widget' ), self::MIN_SECRET_BYTES ) );
			}
		}
		return $clean;
	}

	/** Plain text: tags stripped, whitespace collapsed, at most `$max` characters. */
	public static function text( string $value, int $max ): string {
		return mb_substr( sanitize_text_field( $value ), 0, $max );
	}

	public static function one_of( mixed $value, array $allowed, string $fallback ): string {
		return is_string( $value ) && in_array( $value, $allowed, true ) ? $value : $fallback;
	}

	private static function is_http_url( string $value ): bool {
		$parts = wp_parse_url( $value );
		return is_array( $parts )
			&& in_array( strtolower( $parts['scheme'] ?? '' ), array( 'http', 'https' ), true )
			&& ! empty( $parts['host'] )
			// A base URL: no credentials, query or fragment.
			&& array() === array_intersect_key( $parts, array_flip( array( 'user', 'pass', 'query', 'fragment' ) ) )
			&& 1 !== preg_match( '/[\s<>"\']/', $value );
	}

	private static function refuse( string $field, string $message ): void {
		add_settings_error( self::OPTION, 'chat_kit_widget_' . $field, $message, 'error' );
	}
}
