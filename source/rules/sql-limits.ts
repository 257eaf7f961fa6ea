/*
Bounds on rule statements, which arrive over HTTP from clients. AWS
documents none of these for the SQL text itself; they are ours, set well
above what real rules use, and each is checked before the work it guards.
*/

export const ruleSqlLimits = {
	/** Characters of the statement, checked before it is read (256 KiB). */
	maxLength: 256 * 1024,
	/** Levels of the expression tree, and of parentheses, calls and literals inside one another. */
	maxDepth: 32,
	/**
	Expressions in the whole statement. One evaluation costs about this many
	steps, each bounded by the payload's size, so it caps the work per message.
	*/
	maxNodes: 2000,
	/** Items of the SELECT list. */
	maxSelectItems: 100,
	/** UTF-8 bytes of the FROM topic filter: AWS's limit for a topic. */
	maxTopicFilterBytes: 256,
} as const;
