/**
 * The Chat block in the editor: a placeholder showing the greeting and height, with both in the sidebar. The chat
 * itself is rendered on the server (render.php), only on the published page.
 */
( function ( blocks, element, blockEditor, components, i18n ) {
	var el = element.createElement;
	var __ = i18n.__;

	blocks.registerBlockType( 'chat-kit-widget/chat', {
		edit: function ( props ) {
			var attributes = props.attributes;
			var blockProps = blockEditor.useBlockProps( { className: 'chat-kit-widget-placeholder' } );
			return el(
				element.Fragment,
				null,
				el(
					blockEditor.InspectorControls,
					null,
					el(
						components.PanelBody,
						{ title: __( 'Chat', 'chat-kit-widget' ) },
						el( components.TextControl, {
							label: __( 'Greeting', 'chat-kit-widget' ),
							help: __( 'Empty: the greeting from Settings → Chat Kit Widget.', 'chat-kit-widget' ),
							value: attributes.greeting,
							onChange: function ( greeting ) {
								props.setAttributes( { greeting: greeting } );
							},
						} ),
						el( components.RangeControl, {
							label: __( 'Height (px)', 'chat-kit-widget' ),
							min: 240,
							max: 1200,
							value: attributes.height,
							onChange: function ( height ) {
								props.setAttributes( { height: height } );
							},
						} )
					)
				),
				el(
					'div',
					blockProps,
					el( components.Placeholder, {
						icon: 'format-chat',
						label: __( 'Chat', 'chat-kit-widget' ),
						instructions: attributes.greeting || __( 'The chat shows here on the published page.', 'chat-kit-widget' ),
					} )
				)
			);
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp.blocks, window.wp.element, window.wp.blockEditor, window.wp.components, window.wp.i18n );
