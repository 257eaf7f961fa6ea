import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**']},
	js.configs.recommended,
	...tseslint.configs.strictTypeChecked,
	{
		languageOptions: {
			parserOptions: {
				projectService: {
					allowDefaultProject: [
						'scripts/*.mjs',
						'bench/*.mjs',
						'eslint.config.js',
					],
				},
				tsconfigRootDir: import.meta.dirname,
			},
		},
		plugins: {'react-hooks': reactHooks},
		rules: {
			...reactHooks.configs.recommended.rules,
			'@typescript-eslint/restrict-template-expressions': [
				'error',
				{allowNumber: true},
			],
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{
					argsIgnorePattern: '^_',
					varsIgnorePattern: '^_',
					ignoreRestSiblings: true,
				},
			],
			// Our own freshly copied objects lose keys by name; that is the point of them.
			'@typescript-eslint/no-dynamic-delete': 'off',
		},
	},
	{
		files: ['**/*.mjs', 'eslint.config.js'],
		...tseslint.configs.disableTypeChecked,
		languageOptions: {globals: {process: 'readonly', console: 'readonly'}},
	},
	{
		// node:test's test() returns a promise that the runner itself awaits.
		files: ['test/**', 'bench/**'],
		rules: {
			'@typescript-eslint/no-floating-promises': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			// `check: () => assert...` reads better than a braced body.
			'@typescript-eslint/no-confusing-void-expression': 'off',
			// Assertions narrow types the linter cannot follow across assert calls.
			'@typescript-eslint/no-unnecessary-condition': 'off',
			'@typescript-eslint/unbound-method': 'off',
			'no-console': 'off',
		},
	},
	{
		files: ['source/cli.tsx', 'source/commands/**', 'scripts/**'],
		rules: {'no-console': 'off'},
	},
);
