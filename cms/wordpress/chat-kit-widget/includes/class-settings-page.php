<?php
/**
 * Settings → Chat Kit Widget: the settings API form (WordPress adds the nonce and checks `manage_options` on save,
 * through options.php) and the notes a site owner needs to set up the token server to match.
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

namespace ChatKitWidget;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Settings_Page {
	public const SLUG  = 'chat-kit-widget';
	public const GROUP = 'chat_kit_widget';

	public static function register(): void {
		add_action( 'admin_init', array( self::class, 'register_settings' ) );
		add_action( 'admin_menu', array( self::class, 'add_page' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( CHAT_KIT_WIDGET_FILE ), array( self::class, 'action_links' ) );
	}

	public static function add_page(): void {
		add_options_page(
			__( 'Chat Kit Widget', 'chat-kit-widget' ),
			__( 'Chat Kit Widget', 'chat-kit-widget' ),
			'manage_options',
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/** @param array<string, string> $links */
	public static function action_links( array $links ): array {
		$url = admin_url( 'options-general.php?page=' . self::SLUG );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'chat-kit-widget' ) . '</a>' );
		return $links;
	}

	public static function register_settings(): void {
		register_setting(
			self::GROUP,
			Settings::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( Settings::class, 'sanitize' ),
				'default'           => Settings::defaults(),
				'show_in_rest'      => false,
			)
		);

		add_settings_section( 'connection', __( 'Token server', 'chat-kit-widget' ), array( self::class, 'connection_intro' ), self::SLUG );
		self::field( 'server_url', __( 'Token server URL', 'chat-kit-widget' ), 'connection', 'render_text', array( 'type' => 'url', 'placeholder' => 'https://chat.example.com' ) );
		self::field( 'public_key', __( 'Publishable key', 'chat-kit-widget' ), 'connection', 'render_text', array( 'placeholder' => 'pk_live_abc', 'help' => __( 'For visitors who are not signed in. Your token server lists it in PUBLIC_KEYS with this site\'s address.', 'chat-kit-widget' ) ) );
		self::field( 'auth_mode', __( 'Who chats', 'chat-kit-widget' ), 'connection', 'render_auth_mode' );
		self::field( 'jwt_secret', __( 'Shared secret', 'chat-kit-widget' ), 'connection', 'render_secret' );
		self::field( 'domain_key', __( 'ChatKit domain key', 'chat-kit-widget' ), 'connection', 'render_text', array( 'help' => __( 'Signed-in users only: the domain key OpenAI gave for this site\'s address (not needed on localhost).', 'chat-kit-widget' ) ) );

		add_settings_section( 'appearance', __( 'Appearance', 'chat-kit-widget' ), '__return_false', self::SLUG );
		self::field( 'launcher', __( 'Site-wide launcher', 'chat-kit-widget' ), 'appearance', 'render_launcher' );
		self::field( 'position', __( 'Launcher position', 'chat-kit-widget' ), 'appearance', 'render_choice', array( 'choices' => array( 'bottom-right' => __( 'Bottom right', 'chat-kit-widget' ), 'bottom-left' => __( 'Bottom left', 'chat-kit-widget' ) ) ) );
		self::field( 'display', __( 'Shortcode display', 'chat-kit-widget' ), 'appearance', 'render_choice', array( 'choices' => array( 'inline' => __( 'Inline chat in the content', 'chat-kit-widget' ), 'launcher' => __( 'Floating launcher', 'chat-kit-widget' ) ), 'help' => __( 'How [chat_kit_widget] shows when it has no display="" of its own. The Chat block is always inline.', 'chat-kit-widget' ) ) );
		self::field( 'theme', __( 'Theme', 'chat-kit-widget' ), 'appearance', 'render_choice', array( 'choices' => array( 'light' => __( 'Light', 'chat-kit-widget' ), 'dark' => __( 'Dark', 'chat-kit-widget' ), 'auto' => __( 'Follow the visitor\'s system', 'chat-kit-widget' ) ) ) );
		self::field( 'greeting', __( 'Greeting', 'chat-kit-widget' ), 'appearance', 'render_text', array( 'placeholder' => __( 'How can we help?', 'chat-kit-widget' ), 'maxlength' => Settings::MAX_GREETING ) );
	}

	/** @param array<string, mixed> $args */
	private static function field( string $name, string $label, string $section, string $renderer, array $args = array() ): void {
		add_settings_field(
			'chat-kit-widget-' . $name,
			$label,
			array( self::class, $renderer ),
			self::SLUG,
			$section,
			array_merge( $args, array( 'name' => $name, 'label_for' => 'chat-kit-widget-' . $name ) )
		);
	}

	public static function connection_intro(): void {
		echo '<p>' . esc_html__( 'The chat runs through your chat-kit-widget token server. Its address, and a publishable key it knows for this site, are all visitors need.', 'chat-kit-widget' ) . '</p>';
	}

	private static function input_name( string $name ): string {
		return Settings::OPTION . '[' . $name . ']';
	}

	/** @param array<string, mixed> $args */
	public static function render_text( array $args ): void {
		printf(
			'<input id="%1$s" name="%2$s" type="%3$s" value="%4$s" class="regular-text" placeholder="%5$s" maxlength="%6$d">',
			esc_attr( $args['label_for'] ),
			esc_attr( self::input_name( $args['name'] ) ),
			esc_attr( $args['type'] ?? 'text' ),
			esc_attr( (string) Settings::get( $args['name'] ) ),
			esc_attr( $args['placeholder'] ?? '' ),
			(int) ( $args['maxlength'] ?? 2000 )
		);
		self::help( $args );
	}

	/** @param array<string, mixed> $args */
	public static function render_choice( array $args ): void {
		printf( '<select id="%1$s" name="%2$s">', esc_attr( $args['label_for'] ), esc_attr( self::input_name( $args['name'] ) ) );
		foreach ( $args['choices'] as $value => $label ) {
			printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $value ), selected( Settings::get( $args['name'] ), $value, false ), esc_html( $label ) );
		}
		echo '</select>';
		self::help( $args );
	}

	/** @param array<string, mixed> $args */
	public static function render_auth_mode( array $args ): void {
		$choices = array(
			'visitors'        => __( 'Visitors (publishable key, no sign-in)', 'chat-kit-widget' ),
			'wordpress-users' => __( 'WordPress users: each signed-in user has their own chats; others use the publishable key, if set', 'chat-kit-widget' ),
		);
		self::render_choice( array_merge( $args, array( 'choices' => $choices ) ) );
	}

	/** @param array<string, mixed> $args */
	public static function render_secret( array $args ): void {
		if ( defined( Settings::SECRET_CONSTANT ) ) {
			/* translators: %s: the name of a PHP constant. */
			echo '<p>' . esc_html( sprintf( __( 'Set in wp-config.php (%s).', 'chat-kit-widget' ), Settings::SECRET_CONSTANT ) ) . '</p>';
			return;
		}
		$saved = '' !== Settings::get( 'jwt_secret' );
		printf(
			'<input id="%1$s" name="%2$s" type="password" value="" class="regular-text" autocomplete="new-password" placeholder="%3$s">',
			esc_attr( $args['label_for'] ),
			esc_attr( self::input_name( $args['name'] ) ),
			esc_attr( $saved ? __( 'Saved. Leave empty to keep it.', 'chat-kit-widget' ) : '' )
		);
		/* translators: 1: minimum length in bytes, 2: a PHP constant's name. */
		$help = sprintf( __( 'WordPress users mode: the same secret as the token server\'s AUTH_JWT_SECRET (at least %1$d bytes). Or define %2$s in wp-config.php.', 'chat-kit-widget' ), Settings::MIN_SECRET_BYTES, Settings::SECRET_CONSTANT );
		self::help( array( 'help' => $help ) );
	}

	/** @param array<string, mixed> $args */
	public static function render_launcher( array $args ): void {
		printf(
			'<label><input id="%1$s" name="%2$s" type="checkbox" value="1"%3$s> %4$s</label>',
			esc_attr( $args['label_for'] ),
			esc_attr( self::input_name( $args['name'] ) ),
			checked( (bool) Settings::get( 'launcher' ), true, false ),
			esc_html__( 'Show a chat button on every page', 'chat-kit-widget' )
		);
	}

	/** @param array<string, mixed> $args */
	private static function help( array $args ): void {
		if ( ! empty( $args['help'] ) ) {
			echo '<p class="description">' . esc_html( $args['help'] ) . '</p>';
		}
	}

	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$origin = Settings::site_origin();
		?>
		<div class="wrap">
			<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
			<form action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>" method="post">
				<?php
				settings_fields( self::GROUP );
				do_settings_sections( self::SLUG );
				submit_button();
				?>
			</form>
			<h2><?php esc_html_e( 'On the token server', 'chat-kit-widget' ); ?></h2>
			<p><?php esc_html_e( 'For this site, the token server needs:', 'chat-kit-widget' ); ?></p>
			<?php
			$server_notes = "PUBLIC_KEYS=pk_live_abc={$origin}\nALLOWED_ORIGINS={$origin}\n# WordPress users mode:\nAUTH_JWT_SECRET=<the shared secret above>\nAUTH_ISSUER=" . home_url();
			echo '<pre><code>' . esc_html( $server_notes ) . '</code></pre>';
			?>
			<p><?php esc_html_e( 'Add a chat to a page with the Chat block, or with the shortcode [chat_kit_widget greeting="Hello!" height="560"].', 'chat-kit-widget' ); ?></p>
		</div>
		<?php
	}
}
