/** The widget's version, compared when another copy has already defined the tag. Kept equal to package.json. */
export const VERSION = '0.1.0';
